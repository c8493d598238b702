/// Three real run records from Results/runs (LeNet; a resumed ResNet-18 with a cosine schedule; VGG-16 with
/// momentum), copied here so the fuzzer needs no checkout: the seeds of the `record` target.
enum RecordSeeds {
    static let files: [(name: String, json: String)] = [
        ("lenet-fashion-mnist-20261125-145249.json", #"""
{
  "commandLine" : ".build/release/zoo run lenet --dataset fashion-mnist",
  "dataset" : "fashion-mnist",
  "date" : "2026-11-25T14:52:49Z",
  "epochs" : [
    {
      "epoch" : 1,
      "evalExamplesPerSecond" : 38480.74893942631,
      "testAccuracy" : 0.1581,
      "trainAccuracy" : 0.10828333333333333,
      "trainExamplesPerSecond" : 16282.960917972641,
      "trainLoss" : 2.3142092274983725,
      "wallSeconds" : 3.998688182
    },
    {
      "epoch" : 2,
      "evalExamplesPerSecond" : 29666.38412600201,
      "testAccuracy" : 0.6174,
      "trainAccuracy" : 0.48591666666666666,
      "trainExamplesPerSecond" : 15421.877380716178,
      "trainLoss" : 1.286932674630483,
      "wallSeconds" : 4.283573118
    },
    {
      "epoch" : 3,
      "evalExamplesPerSecond" : 32180.498821738387,
      "testAccuracy" : 0.723,
      "trainAccuracy" : 0.6719333333333334,
      "trainExamplesPerSecond" : 14389.002423287393,
      "trainLoss" : 0.8350352097511291,
      "wallSeconds" : 4.547415341
    },
    {
      "epoch" : 4,
      "evalExamplesPerSecond" : 29838.725982839296,
      "testAccuracy" : 0.711,
      "trainAccuracy" : 0.7245333333333334,
      "trainExamplesPerSecond" : 16360.206438919993,
      "trainLoss" : 0.6950631121635437,
      "wallSeconds" : 4.058649827
    },
    {
      "epoch" : 5,
      "evalExamplesPerSecond" : 37722.41091035031,
      "testAccuracy" : 0.7603,
      "trainAccuracy" : 0.75165,
      "trainExamplesPerSecond" : 15691.535346247245,
      "trainLoss" : 0.6358616976102193,
      "wallSeconds" : 4.144866281
    },
    {
      "epoch" : 6,
      "evalExamplesPerSecond" : 38169.83445693175,
      "testAccuracy" : 0.7627,
      "trainAccuracy" : 0.7710666666666667,
      "trainExamplesPerSecond" : 16656.728813450252,
      "trainLoss" : 0.59013084192276,
      "wallSeconds" : 3.919799948
    },
    {
      "epoch" : 7,
      "evalExamplesPerSecond" : 38868.51468289431,
      "testAccuracy" : 0.7886,
      "trainAccuracy" : 0.7878166666666667,
      "trainExamplesPerSecond" : 16718.697533635936,
      "trainLoss" : 0.5513589028199514,
      "wallSeconds" : 3.90156615
    },
    {
      "epoch" : 8,
      "evalExamplesPerSecond" : 38043.03131727827,
      "testAccuracy" : 0.78,
      "trainAccuracy" : 0.8017333333333333,
      "trainExamplesPerSecond" : 16983.43974681142,
      "trainLoss" : 0.5212459009488424,
      "wallSeconds" : 3.85065889
    },
    {
      "epoch" : 9,
      "evalExamplesPerSecond" : 29807.55449934275,
      "testAccuracy" : 0.8094,
      "trainAccuracy" : 0.81195,
      "trainExamplesPerSecond" : 15411.362745147879,
      "trainLoss" : 0.4949951971530914,
      "wallSeconds" : 4.28847118
    },
    {
      "epoch" : 10,
      "evalExamplesPerSecond" : 29611.51712005112,
      "testAccuracy" : 0.796,
      "trainAccuracy" : 0.8220333333333333,
      "trainExamplesPerSecond" : 14035.255492310213,
      "trainLoss" : 0.47305995591481526,
      "wallSeconds" : 4.673094297
    }
  ],
  "final" : {
    "epoch" : 10,
    "evalExamplesPerSecond" : 29611.51712005112,
    "testAccuracy" : 0.796,
    "trainAccuracy" : 0.8220333333333333,
    "trainExamplesPerSecond" : 14035.255492310213,
    "trainLoss" : 0.47305995591481526,
    "wallSeconds" : 4.673094297
  },
  "gitCommit" : "aa15d9112909a334d23514135a0e80d9bae13e8d+dirty",
  "machine" : {
    "blas" : "OpenBLAS OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64 (Cooperlake)",
    "blasThreads" : 2,
    "cores" : 2,
    "cpu" : "AMD EPYC",
    "engineThreads" : 2,
    "hostname" : "vm",
    "memoryGiB" : 23.5,
    "operatingSystem" : "Debian GNU/Linux 12 (bookworm)"
  },
  "model" : "lenet",
  "parameters" : 61706,
  "recipe" : {
    "batchSize" : 256,
    "epochs" : 10,
    "initialization" : "xavier-uniform",
    "learningRate" : 0.9,
    "momentum" : 0,
    "optimizer" : "sgd",
    "weightDecay" : 0
  },
  "seed" : 0,
  "testExamples" : 10000,
  "totalWallSeconds" : 42.08776467,
  "trainExamples" : 60000,
  "zooVersion" : "0.1.0"
}
"""#),
        ("resnet18-fashion-mnist-20261126-012033.json", #"""
{
  "commandLine" : "/work/runs-bin/zoo2 run resnet18 --dataset fashion-mnist --resize 96 --epochs 10 --resume /work/runs-bin/resnet18-96.ckpt",
  "dataset" : "fashion-mnist",
  "date" : "2026-11-26T01:20:33Z",
  "epochs" : [
    {
      "epoch" : 1,
      "evalExamplesPerSecond" : 280.8175119678346,
      "testAccuracy" : 0.8667,
      "trainAccuracy" : 0.8298166666666666,
      "trainExamplesPerSecond" : 94.60399756893663,
      "trainLoss" : 0.4810584527651469,
      "wallSeconds" : 671.096371079
    },
    {
      "epoch" : 2,
      "evalExamplesPerSecond" : 269.0651792691753,
      "testAccuracy" : 0.8487,
      "trainAccuracy" : 0.9055333333333333,
      "trainExamplesPerSecond" : 93.78340034888177,
      "trainLoss" : 0.25654078842798866,
      "wallSeconds" : 678.088644518
    },
    {
      "epoch" : 3,
      "evalExamplesPerSecond" : 259.25848845208594,
      "testAccuracy" : 0.8989,
      "trainAccuracy" : 0.9280166666666667,
      "trainExamplesPerSecond" : 86.6079126666307,
      "trainLoss" : 0.19616915187835693,
      "wallSeconds" : 732.590143331
    },
    {
      "epoch" : 4,
      "evalExamplesPerSecond" : 170.22881773814376,
      "testAccuracy" : 0.8306,
      "trainAccuracy" : 0.94485,
      "trainExamplesPerSecond" : 59.56221283115968,
      "trainLoss" : 0.1504884924332301,
      "wallSeconds" : 1067.444964039
    },
    {
      "epoch" : 5,
      "evalExamplesPerSecond" : 227.8932963552905,
      "testAccuracy" : 0.902,
      "trainAccuracy" : 0.9586,
      "trainExamplesPerSecond" : 70.87412768314078,
      "trainLoss" : 0.11433084945281347,
      "wallSeconds" : 891.82031965
    },
    {
      "epoch" : 6,
      "evalExamplesPerSecond" : 279.28772669360853,
      "testAccuracy" : 0.9051,
      "trainAccuracy" : 0.96975,
      "trainExamplesPerSecond" : 93.40210503707615,
      "trainLoss" : 0.08559138279159864,
      "wallSeconds" : 679.59731673
    },
    {
      "epoch" : 7,
      "evalExamplesPerSecond" : 276.34830537925274,
      "testAccuracy" : 0.9124,
      "trainAccuracy" : 0.9811666666666666,
      "trainExamplesPerSecond" : 93.49612224727869,
      "trainLoss" : 0.05513317046761513,
      "wallSeconds" : 679.304258043
    },
    {
      "epoch" : 8,
      "evalExamplesPerSecond" : 284.3463975684114,
      "testAccuracy" : 0.8992,
      "trainAccuracy" : 0.9865166666666667,
      "trainExamplesPerSecond" : 92.78543230204185,
      "trainLoss" : 0.042204219311475756,
      "wallSeconds" : 683.187263555
    },
    {
      "epoch" : 9,
      "evalExamplesPerSecond" : 239.8077520091373,
      "testAccuracy" : 0.9116,
      "trainAccuracy" : 0.9909833333333333,
      "trainExamplesPerSecond" : 91.43881127850129,
      "trainLoss" : 0.029489786911010743,
      "wallSeconds" : 699.312600172
    },
    {
      "epoch" : 10,
      "evalExamplesPerSecond" : 270.1520479373614,
      "testAccuracy" : 0.9176,
      "trainAccuracy" : 0.9946,
      "trainExamplesPerSecond" : 85.05755877114106,
      "trainLoss" : 0.018273488719761373,
      "wallSeconds" : 743.850804277
    }
  ],
  "final" : {
    "epoch" : 10,
    "evalExamplesPerSecond" : 270.1520479373614,
    "testAccuracy" : 0.9176,
    "trainAccuracy" : 0.9946,
    "trainExamplesPerSecond" : 85.05755877114106,
    "trainLoss" : 0.018273488719761373,
    "wallSeconds" : 743.850804277
  },
  "gitCommit" : "b38c03901eb54a73897e655ea1e24aa6f25c2b18",
  "inputShape" : [
    1,
    96,
    96
  ],
  "machine" : {
    "blas" : "OpenBLAS OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64 (Haswell)",
    "blasThreads" : 2,
    "cores" : 2,
    "cpu" : "AMD EPYC",
    "engineThreads" : 2,
    "hostname" : "vm",
    "memoryGiB" : 23.5,
    "operatingSystem" : "Debian GNU/Linux 12 (bookworm)"
  },
  "model" : "resnet18",
  "parameters" : 11178378,
  "recipe" : {
    "batchSize" : 256,
    "epochs" : 10,
    "initialization" : "xavier-uniform",
    "learningRate" : 0.05,
    "momentum" : 0,
    "nesterov" : false,
    "optimizer" : "sgd",
    "resize" : 96,
    "schedule" : "constant",
    "weightDecay" : 0
  },
  "seed" : 0,
  "testExamples" : 10000,
  "totalWallSeconds" : 5445.886718438,
  "trainExamples" : 60000,
  "zooVersion" : "0.1.0"
}
"""#),
        ("vgg16-fashion-mnist-20261125-213343.json", #"""
{
  "commandLine" : "/work/runs-bin/zoo run vgg16 --dataset fashion-mnist --epochs 1",
  "dataset" : "fashion-mnist",
  "date" : "2026-11-25T21:33:43Z",
  "epochs" : [
    {
      "epoch" : 1,
      "evalExamplesPerSecond" : 220.31526737184606,
      "testAccuracy" : 0.8303,
      "trainAccuracy" : 0.7158666666666667,
      "trainExamplesPerSecond" : 53.01883253292222,
      "trainLoss" : 0.7478251135667165,
      "wallSeconds" : 1177.273364093
    }
  ],
  "final" : {
    "epoch" : 1,
    "evalExamplesPerSecond" : 220.31526737184606,
    "testAccuracy" : 0.8303,
    "trainAccuracy" : 0.7158666666666667,
    "trainExamplesPerSecond" : 53.01883253292222,
    "trainLoss" : 0.7478251135667165,
    "wallSeconds" : 1177.273364093
  },
  "gitCommit" : "aca5a2af603bbabdb8dac0b5f68eb9d831420869",
  "machine" : {
    "blas" : "OpenBLAS OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64 (Haswell)",
    "blasThreads" : 2,
    "cores" : 2,
    "cpu" : "AMD EPYC",
    "engineThreads" : 2,
    "hostname" : "vm",
    "memoryGiB" : 23.5,
    "operatingSystem" : "Debian GNU/Linux 12 (bookworm)"
  },
  "model" : "vgg16",
  "parameters" : 134300362,
  "recipe" : {
    "batchSize" : 128,
    "epochs" : 1,
    "initialization" : "kaiming-normal",
    "learningRate" : 0.01,
    "momentum" : 0.9,
    "nesterov" : false,
    "optimizer" : "sgd",
    "resize" : 32,
    "schedule" : "constant",
    "weightDecay" : 0
  },
  "seed" : 0,
  "testExamples" : 10000,
  "totalWallSeconds" : 1180.450946149,
  "trainExamples" : 60000,
  "zooVersion" : "0.1.0"
}
"""#),
    ]
}
