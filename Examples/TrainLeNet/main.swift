// An example of the Engine product used from another package (scripts/check-engine-by-version builds it that way).

import Engine

BLAS.shortenIdleSpin()  // first thing: OpenBLAS's idle threads otherwise take the cores the engine needs between GEMMs

// d2l's LeNet, written with the Engine's layers, learns to tell two kinds of synthetic 28x28 images apart:
// a bright square in the upper left or in the lower right.
let model = Sequential(
    Conv2d(1, 6, kernel: 5, padding: 2), Sigmoid(), AvgPool2d(2, stride: 2),
    Conv2d(6, 16, kernel: 5), Sigmoid(), AvgPool2d(2, stride: 2),
    Flatten(),
    Linear(16 * 5 * 5, 120), Sigmoid(), Linear(120, 84), Sigmoid(), Linear(84, 2))
model.initializeWeights(.xavierUniform())  // d2l's recipe for LeNet
let optimizer = SGD(model.parameters, learningRate: 0.9)

func batch(_ size: Int, seed: UInt64) -> (Tensor, [Int]) {
    var generator = RandomGenerator(seed: seed)
    var pixels = [Float](repeating: 0, count: size * 28 * 28), labels: [Int] = []
    for n in 0..<size {
        let label = Int(generator.next() % 2)
        labels.append(label)
        let corner = label == 0 ? 2 : 16
        for y in corner..<(corner + 10) { for x in corner..<(corner + 10) { pixels[n * 784 + y * 28 + x] = 1 } }
    }
    return (Tensor(shape: [size, 1, 28, 28], scalars: pixels), labels)
}

for step in 1...1000 {
    let (images, labels) = batch(64, seed: UInt64(step))
    optimizer.zeroGrad()
    let loss = crossEntropy(logits: model(images), targets: labels)
    loss.backward()
    optimizer.step()
    if step % 250 == 0 { print("step \(step): loss \(loss.item)") }
}
let (images, labels) = batch(500, seed: 1_000)
let predictions = model.evaluating { model(images).argmax(axis: 1) }
let accuracy = Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
print("held-out accuracy \(accuracy), engine kernels \(KernelLevel.current)")
