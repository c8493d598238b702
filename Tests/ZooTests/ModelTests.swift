import Engine
import Testing
@testable import Zoo

/// Every registered model builds, maps a batch to class scores, and has its reference parameter count.
@Suite struct ModelTests {
    @Test(arguments: ModelRegistry.all.map(\.name))
    func buildsAndRunsForward(name: String) throws {
        let entry = try #require(ModelRegistry.entry(named: name))
        let model = entry.build(classes: 10)
        #expect(model.parameterCount == entry.parameterCount)
        let y = withoutGradients { model(Tensor.zeros([3] + entry.inputShape)) }
        #expect(y.shape == [3, 10])
        #expect(y.scalars.allSatisfy { $0.isFinite })
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
        #expect(Set(ModelRegistry.names).count == ModelRegistry.all.count)
    }
}
