import Testing
@testable import Engine

@Suite struct LayerTests {
    @Test func parameterNamesFollowPyTorch() {
        let net = Sequential(Conv2d(1, 2, kernel: 3), ReLU(), Flatten(), Linear(8, 3), Linear(3, 1, bias: false))
        #expect(net.namedParameters().map(\.0) == ["0.weight", "0.bias", "3.weight", "3.bias", "4.weight"])
        #expect(net.parameterCount == 2 * 9 + 2 + 8 * 3 + 3 + 3)
        let y = net(Tensor.zeros([5, 1, 4, 4]))
        #expect(y.shape == [5, 1])
    }

    @Test func nestedModulesGetDottedPaths() {
        final class Block: Module {
            let conv1 = Conv2d(1, 1, kernel: 1)
            let head = Sequential(Linear(1, 1))
            override func forward(_ x: Tensor) -> Tensor { x }
        }
        #expect(Sequential(Block()).namedParameters().map(\.0)
            == ["0.conv1.weight", "0.conv1.bias", "0.head.0.weight", "0.head.0.bias"])
    }

    @Test func trainAndEvalReachEveryModule() {
        let net = Sequential(Sequential(ReLU()), Linear(1, 1))
        net.eval()
        #expect(net.modules.allSatisfy { !$0.isTraining })
        net.train()
        #expect(net.modules.allSatisfy { $0.isTraining })
    }

    @Test func pyTorchDefaultAndXavierInitializationBounds() {
        Random.withGenerator(seed: 3) {
            let layer = Linear(100, 50)
            let bound: Float = 1 / 10  // 1 / sqrt(fanIn)
            #expect(layer.weight.scalars.allSatisfy { abs($0) <= bound })
            #expect(layer.weight.scalars.map(abs).max()! > 0.9 * bound)
            layer.initializeWeights(.xavierUniform())
            let xavier = (6 / Float(150)).squareRoot()
            #expect(layer.weight.scalars.allSatisfy { abs($0) <= xavier })
            #expect(layer.weight.scalars.map(abs).max()! > 0.9 * xavier)
            let conv = Conv2d(3, 8, kernel: 5)
            #expect(Initializer.fans(conv.weight.shape) == (75, 200))
            Initializer.normal(std: 0.01).fill(conv.weight)
            let values = conv.weight.scalars
            let mean = values.reduce(0, +) / Float(values.count)
            let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)).squareRoot()
            #expect(abs(mean) < 0.002 && abs(std - 0.01) < 0.002)
        }
    }

    @Test func everyInitializerHasItsDistribution() {
        var generator = RandomGenerator(seed: 5)
        let weight = Tensor.zeros([64, 32, 3, 3])  // fan in 288, fan out 576
        func moments(_ initializer: Initializer) -> (mean: Float, std: Float, bound: Float) {
            initializer.fill(weight, using: &generator)
            let values = weight.scalars
            let mean = values.reduce(0, +) / Float(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)
            return (mean, variance.squareRoot(), values.map(abs).max()!)
        }
        let kaimingUniform = moments(.kaimingUniform())
        #expect(kaimingUniform.bound <= (6 / Float(288)).squareRoot())
        #expect(abs(kaimingUniform.std - (2 / Float(288)).squareRoot()) < 0.002)
        let kaimingNormal = moments(.kaimingNormal())
        #expect(abs(kaimingNormal.std - (2 / Float(288)).squareRoot()) < 0.002 && abs(kaimingNormal.mean) < 0.002)
        let xavierNormal = moments(.xavierNormal())
        #expect(abs(xavierNormal.std - (2 / Float(288 + 576)).squareRoot()) < 0.002)
        let uniform = moments(.uniform(low: 2, high: 3))
        #expect(abs(uniform.mean - 2.5) < 0.01 && uniform.bound < 3)
        #expect(moments(.constant(0.25)) == (0.25, 0, 0.25))
    }

    @Test func seededGeneratorsRepeat() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        let uniforms = (0..<10_000).map { _ in a.nextUniform() }
        #expect(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(uniforms.reduce(0, +) / 10_000 - 0.5) < 0.02)
    }

    @Test func sgdMatchesPyTorchsUpdateRule() {
        // One parameter, gradient 2, lr 0.1, momentum 0.9, weight decay 0.5, starting at 1.
        let p = Tensor(shape: [1], scalars: [1])
        p.requiresGrad = true
        let sgd = SGD([p], learningRate: 0.1, momentum: 0.9, weightDecay: 0.5)
        p.grad = Tensor(shape: [1], scalars: [2])
        sgd.step()  // d = 2 + 0.5 = 2.5, v = 2.5, p = 1 - 0.25 = 0.75
        #expect(abs(p.data[0] - 0.75) < 1e-6)
        sgd.step()  // d = 2 + 0.375 = 2.375, v = 0.9 * 2.5 + 2.375 = 4.625, p = 0.75 - 0.4625
        #expect(abs(p.data[0] - 0.2875) < 1e-6)
        sgd.zeroGrad()
        #expect(p.grad == nil)
    }

    @Test func trainingReducesTheLossOfALinearFit() {
        // y = 2x - 1 learned by a Linear layer with plain SGD.
        let model = Random.withGenerator(seed: 0) { Linear(1, 1) }
        let x = Tensor(shape: [8, 1], scalars: (0..<8).map { Float($0) / 4 })
        let y = Tensor(shape: [8, 1], scalars: x.scalars.map { 2 * $0 - 1 })
        let sgd = SGD(model.parameters, learningRate: 0.2)
        for _ in 0..<300 {
            sgd.zeroGrad()
            mseLoss(model(x), y).backward()
            sgd.step()
        }
        #expect(abs(model.weight.item - 2) < 1e-2)
        #expect(abs(model.bias!.item + 1) < 1e-2)
    }

    /// Evaluations nest: an inner one leaves the outer one's evaluation mode in place, the outer one
    /// restores training mode; a model already in evaluation mode stays in it.
    @Test func evaluationModeNestsAndRestores() {
        let model = Sequential(Linear(2, 2), Dropout(0.5))
        model.evaluating {
            model.evaluating { #expect(!model.isTraining) }
            #expect(!model.isTraining && model.modules.allSatisfy { !$0.isTraining })
        }
        #expect(model.isTraining && model.modules.allSatisfy(\.isTraining))
        model.eval()
        model.evaluating {}
        #expect(!model.isTraining)
    }
}
