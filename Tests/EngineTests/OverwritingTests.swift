import Foundation
import Testing
@testable import Engine

/// Operations that write their result over an input nothing else holds (`Tensor.result(overwriting:)`): only a
/// temporary, only where nothing records, and with the same values as a new tensor.
@Suite struct OverwritingTests {
    private let values: [Float] = [-1, 2, -3, 4, -5, 6]

    /// A fresh tensor with `values` (a temporary nobody else holds).
    private func temporary(_ values: [Float]) -> Tensor { Tensor(shape: [values.count], scalars: values) * Tensor(1) }

    @Test func reluWritesOverATemporaryButNotOverWhatTheCallerHolds() {
        withoutGradients {
            let held = Tensor(shape: [6], scalars: values)
            let fromHeld = relu(held)
            #expect(fromHeld.scalars == [0, 2, 0, 4, 0, 6] && held.scalars == values && fromHeld.data != held.data)

            let fresh = temporary(values)
            let memory = fresh.data
            let fromFresh = relu(consume fresh)
            #expect(fromFresh.data == memory && fromFresh.scalars == [0, 2, 0, 4, 0, 6])

            // A view shares its source's memory: with the source held, the view is not written over.
            let view = held.reshaped([2, 3])
            let fromView = relu(consume view)
            #expect(fromView.data != held.data && held.scalars == values)
        }
    }

    /// sigmoid, tanh and exp as relu: over a temporary in evaluation, never over what the caller still holds, and
    /// recorded (their gradients read the output) over neither.
    @Test(arguments: ["sigmoid", "tanh", "exp"])
    func smoothActivationsWriteOverATemporaryOnly(name: String) {
        let (function, definition): ((consuming Tensor) -> Tensor, (Float) -> Float) = switch name {
        case "sigmoid": ({ sigmoid($0) }, { 1 / (1 + Foundation.exp(-$0)) })
        case "tanh": ({ tanh($0) }, { Foundation.tanh($0) })
        default: ({ exp($0) }, { Foundation.exp($0) })
        }
        let expected = values.map(definition)
        func close(_ y: Tensor) -> Bool { zip(y.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) } }
        withoutGradients {
            let held = Tensor(shape: [6], scalars: values)
            let fromHeld = function(held)
            #expect(close(fromHeld) && held.scalars == values && fromHeld.data != held.data, "\(name) of a held tensor")
            let fresh = temporary(values)
            let memory = fresh.data
            let fromFresh = function(consume fresh)
            #expect(fromFresh.data == memory && close(fromFresh), "\(name) of a temporary")
        }
        let weight = Tensor(shape: [6], scalars: [1, 1, 1, 1, 1, 1])
        weight.requiresGrad = true
        let product = Tensor(shape: [6], scalars: values) * weight
        let memory = product.data
        let recorded = function(consume product)
        #expect(recorded.data != memory && close(recorded), "\(name) recorded")
    }

    @Test func aRecordedOperationKeepsItsInput() {
        let weight = Tensor(shape: [6], scalars: [1, 1, 1, 1, 1, 1])
        weight.requiresGrad = true
        let product = Tensor(shape: [6], scalars: values) * weight
        let memory = product.data
        let activation = relu(consume product)
        #expect(activation.data != memory)
        activation.sum().backward()
        #expect(weight.grad?.scalars == [0, 2, 0, 4, 0, 6])
    }

    @Test func aSumWritesOverWhicheverOperandIsATemporary() {
        withoutGradients {
            let held = Tensor(shape: [6], scalars: values)
            let first = temporary(values)
            let firstMemory = first.data
            #expect(((consume first) + held).data == firstMemory)
            let second = temporary(values)
            let secondMemory = second.data
            let sum = held + (consume second)
            #expect(sum.data == secondMemory && sum.scalars == values.map { 2 * $0 })
            let ofHeld = held + held
            #expect(ofHeld.data != held.data && held.scalars == values)
        }
    }

    @Test func batchNormInEvaluationWritesOverATemporary() {
        let mean = Tensor(shape: [2], scalars: [1, -1]), variance = Tensor(shape: [2], scalars: [4, 1])
        let expected = batchNorm(Tensor(shape: [3, 2], scalars: values), weight: nil, bias: nil, runningMean: mean,
                                 runningVariance: variance, training: false, epsilon: 0).scalars
        #expect(expected == [-1, 3, -2, 5, -3, 7])
        withoutGradients {
            let fresh = temporary(values).reshaped([3, 2])
            let memory = fresh.data
            let normalized = batchNorm(consume fresh, weight: nil, bias: nil, runningMean: mean, runningVariance: variance,
                                       training: false, epsilon: 0)
            #expect(normalized.data == memory && normalized.scalars == expected)
        }
    }
}
