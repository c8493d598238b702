import Engine
import Testing
@testable import Zoo

/// Every registered model builds, maps a batch to class scores, and has its reference parameter count.
@Suite struct ModelTests {
    /// The reference definition (d2l's or torchvision's input channels and classes) has the published
    /// parameter count and maps a batch to one score per class, in evaluation and training mode.
    @Test(arguments: ModelRegistry.all.map(\.name))
    func buildsAndRunsForward(name: String) throws {
        let entry = try #require(ModelRegistry.entry(named: name))
        let model = entry.build()
        #expect(model.parameterCount == entry.parameterCount)
        // Models with a global pool take any size: a small one keeps the test fast.
        let side = entry.acceptsOtherSizes ? min(entry.inputShape[1], 64) : entry.inputShape[1]
        let x = randomInput([2, entry.inputShape[0], side, side])
        model.eval()
        let y = withoutGradients { model(x) }
        #expect(y.shape == [2, entry.referenceClasses])
        #expect(y.scalars.allSatisfy { $0.isFinite })
        model.train()
        #expect(withoutGradients { model(x) }.shape == [2, entry.referenceClasses])
    }

    /// An evaluation pass without gradients, whose ReLUs, batch norms and residual sums write over the temporaries
    /// that feed them, gives the scores of the same pass recorded (which overwrites nothing; its convolutions may take
    /// other kernels, hence rounding apart, where an activation written over too early would differ in the first
    /// digits), and leaves the caller's input as it was.
    @Test(arguments: ModelRegistry.all.map(\.name))
    func evaluationWritingOverTemporariesChangesNothing(name: String) throws {
        let entry = try #require(ModelRegistry.entry(named: name))
        let model = entry.build(channels: 1, classes: 10)
        let side = entry.acceptsOtherSizes ? 32 : entry.inputShape[1]
        let x = randomInput([2, 1, side, side]), original = x.scalars
        model.eval()
        let overwriting = withoutGradients { model(x) }, recorded = model(x)
        #expect(recorded.requiresGrad, "the reference pass must record, so that it overwrites nothing")
        let largest = recorded.scalars.map(abs).max() ?? 0
        let apart = zip(overwriting.scalars, recorded.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(apart <= 1e-5 * max(largest, 1e-3), "scores up to \(largest), apart by \(apart)")
        #expect(x.scalars == original)
    }

    /// Models that take several sizes run at their smallest (the smallest PyTorch's definitions take:
    /// 29 for the DenseNets, 32 for full-width VGG, checked with scripts/pytorch_models.py).
    @Test(arguments: ModelRegistry.all.filter(\.acceptsOtherSizes).map(\.name))
    func runsAtItsSmallestSide(name: String) throws {
        let entry = try #require(ModelRegistry.entry(named: name))
        let side = try #require(entry.minimumSide)
        let y = withoutGradients { entry.build(channels: 1, classes: 10)(randomInput([2, 1, side, side])) }
        #expect(y.shape == [2, 10] && y.scalars.allSatisfy { $0.isFinite })
    }

    /// Fashion-MNIST's variant (1 channel, 10 classes) of every model trains: one step's loss is finite
    /// and every parameter gets a gradient.
    @Test(arguments: ModelRegistry.all.filter { $0.parameterCount < 30_000_000 }.map(\.name))
    func everyParameterGetsAGradient(name: String) throws {
        let entry = try #require(ModelRegistry.entry(named: name))
        let model = entry.build(channels: 1, classes: 10)
        let side = entry.acceptsOtherSizes ? 32 : entry.inputShape[1]
        let loss = crossEntropy(logits: model(randomInput([2, 1, side, side])), targets: [3, 7])
        #expect(loss.item.isFinite)
        loss.backward()
        let missing = model.namedParameters().filter { $0.1.grad == nil }.map(\.0)
        #expect(missing.isEmpty, "no gradient for \(missing)")
    }

    /// Keys match the PyTorch modules the model files describe.
    @Test func keysFollowPyTorch() throws {
        let resnet = resNet18().stateDictionary().map(\.0)
        #expect(resnet.prefix(7) == ["0.0.weight", "0.0.bias", "0.1.weight", "0.1.bias", "0.1.running_mean", "0.1.running_var",
                                     "0.1.num_batches_tracked"])
        #expect(resnet.contains("2.0.conv3.weight") && resnet.contains("1.1.bn2.running_var") && resnet.last == "7.bias")
        let torchvision = torchvisionResNet(bottleneck: true, blocks: [3, 4, 6, 3]).stateDictionary().map(\.0)
        #expect(torchvision.first == "conv1.weight" && torchvision.contains("layer1.0.downsample.0.weight"))
        #expect(torchvision.contains("layer4.2.bn3.running_mean") && torchvision.last == "fc.bias")
        let densenet = torchvisionDenseNet121().stateDictionary().map(\.0)
        #expect(densenet.contains("features.denseblock1.denselayer1.norm1.weight"))
        #expect(densenet.contains("features.transition3.conv.weight") && densenet.contains("features.norm5.running_var"))
        #expect(googLeNet().stateDictionary().map(\.0).contains("2.0.p4_2.weight"))
        #expect(vgg().stateDictionary().map(\.0).prefix(2) == ["0.0.weight", "0.0.bias"])
        // torchvision vgg11: convolutions at features.0, 3, 6, 8, 11, 13, 16, 18.
        let vgg11 = Set(torchvisionVGG(arch: vgg11Arch).stateDictionary().map(\.0))
        #expect([0, 3, 6, 8, 11, 13, 16, 18].allSatisfy { vgg11.contains("features.\($0).weight") })
        #expect(vgg11.count == 22 && vgg11.contains("classifier.6.bias"))
    }

    @Test func publishedParameterCounts() {
        // d2l / PyTorch: LeNet 61,706; MLP 784-256-10 203,530; softmax regression 7,850.
        #expect(leNet().parameterCount == 61_706)
        #expect(multilayerPerceptron().parameterCount == 203_530)
        #expect(softmaxRegression().parameterCount == 7_850)
    }

    @Test func leNetKeysAreTheOnesPyTorchsSequentialHas() {
        #expect(leNet().namedParameters().map(\.0) == [
            "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias", "11.weight", "11.bias",
        ])
        #expect(leNet().namedParameters().map(\.1.shape) == [
            [6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84], [10, 84], [10],
        ])
    }

    @Test func cnnShapesFollowD2L() {
        // AlexNet at 224: 256x5x5 = 6400 features; VGG-11/4: 128x7x7; GoogLeNet at 96: 1024; ResNet-18 at 96: 512x3x3.
        let alex = alexNet()
        var x = Tensor.zeros([1, 1, 224, 224])
        withoutGradients { for layer in alex.layers.prefix(14) { x = layer(x) } }
        #expect(x.shape == [1, 6400])
        let stages = resNet18().layers
        var y = Tensor.zeros([1, 1, 96, 96])
        var shapes: [[Int]] = []
        withoutGradients { for stage in stages.prefix(5) { y = stage(y); shapes.append(y.shape) } }
        #expect(shapes == [[1, 64, 24, 24], [1, 64, 24, 24], [1, 128, 12, 12], [1, 256, 6, 6], [1, 512, 3, 3]])
    }

    @Test func leNetLayerShapesFollowD2L() {
        // 1x28x28 -> 6x28x28 -> 6x14x14 -> 16x10x10 -> 16x5x5 -> 400 -> 120 -> 84 -> 10
        let net = leNet()
        var x = Tensor.zeros([2, 1, 28, 28])
        var shapes: [[Int]] = []
        withoutGradients {
            for layer in net.layers { x = layer(x); shapes.append(x.shape) }
        }
        #expect(shapes == [[2, 6, 28, 28], [2, 6, 28, 28], [2, 6, 14, 14], [2, 16, 10, 10], [2, 16, 10, 10],
                           [2, 16, 5, 5], [2, 400], [2, 120], [2, 120], [2, 84], [2, 84], [2, 10]])
    }

    @Test func registryKnowsD2LsRecipes() throws {
        let lenet = try #require(ModelRegistry.entry(named: "LeNet"))
        #expect(lenet.recipe == Recipe(learningRate: 0.9, epochs: 10, batchSize: 256, initialization: .xavierUniform()))
        #expect(ModelRegistry.entry(named: "mlp")?.recipe.learningRate == 0.1)
        #expect(ModelRegistry.entry(named: "resnet-9000") == nil)
        #expect(ModelRegistry.entry(named: "resnet18")?.trainingSize == 28)
        #expect(Set(ModelRegistry.names).count == ModelRegistry.all.count + ModelRegistry.languageModels.count + ModelRegistry.translators.count
                + ModelRegistry.regressions.count)
    }

    /// d2l v1.0's language-model recipes; each model is RNNLM's `rnn` + `linear` with PyTorch's keys, and
    /// its parameter count that of `nn.GRU(28, 32)` + `nn.Linear(32, 28)` and the like.
    @Test func languageModelsHaveD2LsRecipesAndPyTorchsShapes() throws {
        let recipes = Dictionary(uniqueKeysWithValues: ModelRegistry.languageModels.map { ($0.name, $0.recipe) })
        #expect(recipes.mapValues { "\($0.learningRate) \($0.epochs) \($0.batchSize) \($0.gradientClip ?? 0)" }
                    == ["rnn": "1.0 100 1024 1.0", "gru": "4.0 50 1024 1.0", "lstm": "4.0 50 1024 1.0", "deep-gru": "2.0 100 1024 1.0"])
        // PyTorch: sum(p.numel() for p in RNNLM(nn.GRU(28, 32), 28).parameters()) and so on.
        let counts = ["rnn": 2_908, "gru": 6_876, "lstm": 8_860, "deep-gru": 13_212]
        for entry in ModelRegistry.languageModels {
            let model = entry.build(vocabularySize: 28)
            #expect(model.parameterCount == counts[entry.name] && entry.parameterCount(vocabularySize: 28) == counts[entry.name])
            let keys = model.stateDictionary().map(\.0)
            #expect(keys.first == "rnn.weight_ih_l0" && keys.suffix(2) == ["linear.weight", "linear.bias"])
            #expect(keys.contains("rnn.bias_hh_l1") == (entry.layers == 2))
        }
        guard case .languageModel(let gru)? = ModelRegistry.model(named: "GRU") else { Issue.record("gru is not a language model"); return }
        #expect(gru.cell == .gru && gru.d2lPerplexity == 6.55)
    }
}

/// Values in [-1, 1) from a fixed seed.
func randomInput(_ shape: [Int]) -> Tensor {
    var generator = RandomGenerator(seed: 7)
    return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in 2 * generator.nextUniform() - 1 })
}

/// torchvision's VGG with the pool folded into its first linear layer gives what its layers give in turn.
@Suite struct TorchvisionVGGTests {
    @Test func foldedHeadMatchesTheLayersInTurn() {
        // A 2x2 input pooled to a 1x1 map, copied into 7x7 cells by the pool: the case of VGG at 32 px.
        let model = TorchvisionVGG(features: Sequential(Conv2d(1, 4, kernel: 3, padding: 1), ReLU(), MaxPool2d(2, stride: 2)),
                                   classifier: Sequential(Linear(4 * 49, 8), ReLU(), Dropout(0.5), Linear(8, 3)))
        model.eval()
        let x = Tensor(shape: [3, 1, 2, 2], scalars: (0..<12).map { Float($0 % 5) - 2 })
        let head = model.classifier.layers[0] as! Linear
        func outputAndGradient(_ f: () -> Tensor) -> ([Float], [Float]) {
            head.weight.grad = nil
            let y = f()
            y.sum().backward()
            return (y.scalars, head.weight.grad!.scalars)
        }
        let inTurn = outputAndGradient { model.classifier(model.avgpool(model.features(x)).flattened()) }
        let folded = outputAndGradient { model(x) }
        func close(_ a: [Float], _ b: [Float]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }
        }
        #expect(folded.0.count == 9 && close(folded.0, inTurn.0) && close(folded.1, inTurn.1))
        #expect(model.stateDictionary().map(\.0) == ["features.0.weight", "features.0.bias", "classifier.0.weight",
                                                      "classifier.0.bias", "classifier.3.weight", "classifier.3.bias"])
    }
}
