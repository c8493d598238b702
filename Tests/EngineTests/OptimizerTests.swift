import Foundation
import Testing
@testable import Engine

@Suite struct OptimizerTests {
    func parameter(_ values: [Float], grad: [Float]) -> Tensor {
        let p = Tensor(shape: [values.count], scalars: values)
        p.requiresGrad = true
        p.grad = Tensor(shape: [grad.count], scalars: grad)
        return p
    }

    @Test func adamFollowsItsDefinition() {
        // Step 1 with bias correction: m^ = g, v^ = g^2, so p -= lr * g / (|g| + eps).
        let p = parameter([1, -1], grad: [0.5, -2])
        let adam = Adam([p], learningRate: 0.1)
        adam.step()
        #expect(abs(p.data[0] - 0.9) < 1e-6 && abs(p.data[1] + 0.9) < 1e-6)
        // Step 2 with gradient 1 for the first: m = 0.9*0.05 + 0.1 = 0.145 -> m^ = 0.145/0.19,
        // v = 0.999*0.00025 + 0.001 -> v^ = v / (1 - 0.999^2).
        p.grad = Tensor(shape: [2], scalars: [1, -2])
        adam.step()
        let m = (0.9 * 0.05 + 0.1) / (1 - 0.81), v = (0.999 * 0.00025 + 0.001) / (1 - 0.998001)
        #expect(abs(p.data[0] - Float(0.9 - 0.1 * m / (v.squareRoot() + 1e-8))) < 1e-5)
    }

    /// The eight-lane path and the tail agree with a plain reference implementation, for Adam and AdamW, on a parameter
    /// of one thread's size and on one that threads share (100,003 values: the last range has the tail).
    @Test(arguments: [false, true], [19, 100_003])
    func adamMatchesAReferenceImplementation(decoupled: Bool, count: Int) {
        let p = parameter((0..<count).map { Float($0 % 97) / 10 - 1 }, grad: [])
        let adam = Adam([p], learningRate: 0.05, weightDecay: 0.1, decoupledWeightDecay: decoupled)
        var w = p.scalars.map(Double.init), m = [Double](repeating: 0, count: count), v = m
        for step in 1...3 {
            let g = (0..<count).map { Double(Float(sin(Double($0 * step)))) }
            p.grad = Tensor(shape: [count], scalars: g.map(Float.init))
            adam.step()
            for i in 0..<count {
                if decoupled { w[i] -= 0.05 * 0.1 * w[i] }
                let d = decoupled ? g[i] : g[i] + 0.1 * w[i]
                m[i] = 0.9 * m[i] + 0.1 * d
                v[i] = 0.999 * v[i] + 0.001 * d * d
                let mHat = m[i] / (1 - pow(0.9, Double(step))), vHat = v[i] / (1 - pow(0.999, Double(step)))
                w[i] -= 0.05 * mHat / (vHat.squareRoot() + 1e-8)
            }
        }
        #expect(zip(p.scalars, w).allSatisfy { abs(Double($0) - $1) < 1e-5 })
    }

    @Test func adamWDecaysWeightsApartFromTheGradient() {
        let plain = parameter([2], grad: [0]), decoupled = parameter([2], grad: [0])
        Adam([plain], learningRate: 0.1, weightDecay: 0.5).step()  // L2: g = 0 + 0.5*2 = 1 -> moves by lr
        Adam.w([decoupled], learningRate: 0.1, weightDecay: 0.5).step()  // p *= 1 - 0.05, gradient 0
        #expect(abs(plain.data[0] - 1.9) < 1e-5)
        #expect(abs(decoupled.data[0] - 1.9) < 1e-5)
        let both = parameter([2], grad: [1])
        Adam.w([both], learningRate: 0.1, weightDecay: 0.5).step()
        #expect(abs(both.data[0] - (1.9 - 0.1)) < 1e-5)
    }

    /// SGD with weight decay, without momentum and with plain and Nesterov momentum, over three steps, against the
    /// definition, on a parameter that threads share.
    @Test(arguments: [(Float(0), false), (0.9, false), (0.9, true)])
    func sgdMatchesAReferenceImplementation(momentum: Float, nesterov: Bool) {
        let count = 100_003
        let p = parameter((0..<count).map { Float($0 % 97) / 50 - 1 }, grad: [])
        let sgd = SGD([p], learningRate: 0.05, momentum: momentum, weightDecay: 0.01, nesterov: nesterov)
        var w = p.scalars, v = [Float](repeating: 0, count: count)
        for step in 1...3 {
            let g = (0..<count).map { Float(sin(Double($0 % 1000 * step))) }
            p.grad = Tensor(shape: [count], scalars: g)
            sgd.step()
            for i in 0..<count {
                let d = g[i] + 0.01 * w[i]
                v[i] = step == 1 ? d : momentum * v[i] + d
                w[i] -= 0.05 * (momentum == 0 ? d : nesterov ? d + momentum * v[i] : v[i])
            }
        }
        #expect(zip(p.scalars, w).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
    }

    @Test func nesterovMomentum() {
        let p = parameter([1], grad: [2])
        let sgd = SGD([p], learningRate: 0.1, momentum: 0.9, nesterov: true)
        sgd.step()  // v = 2, p -= 0.1 * (2 + 0.9 * 2)
        #expect(abs(p.data[0] - (1 - 0.38)) < 1e-6)
    }

    @Test func clippingScalesTheGlobalNorm() {
        let a = parameter([0, 0], grad: [3, 0]), b = parameter([0], grad: [4])
        let norm = clipGradientNorm([a, b], maximumNorm: 1)
        #expect(abs(norm - 5) < 1e-6)
        #expect(abs(a.grad!.data[0] - 0.6) < 1e-5 && abs(b.grad!.data[0] - 0.8) < 1e-5)
        #expect(abs(clipGradientNorm([a, b], maximumNorm: 10) - 1) < 1e-4)
        #expect(abs(a.grad!.data[0] - 0.6) < 1e-5)
    }

    /// Gradients long enough for the vector kernels, with a tail: the norm as a plain Double sum gives it.
    @Test func clippingNormOfLongGradients() {
        let a = randomTensor([1003], seed: 5), b = randomTensor([37, 29], seed: 6)
        a.grad = randomTensor([1003], seed: 7, requiresGrad: false)
        b.grad = randomTensor([37, 29], seed: 8, requiresGrad: false)
        let exact = (a.grad!.scalars + b.grad!.scalars).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(Double(clipGradientNorm([a, b], maximumNorm: 1)) - exact) < 1e-5 * exact)
        let clipped = (a.grad!.scalars + b.grad!.scalars).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(clipped - 1) < 1e-4)
    }

    /// Squares beyond Float's range (an exploding gradient) still give the norm, and the clip.
    @Test func clippingAnExplodingGradient() {
        let a = parameter(Array(repeating: 0, count: 40), grad: [3e20] + Array(repeating: 0, count: 38) + [4e20])
        #expect(abs(clipGradientNorm([a], maximumNorm: 1) / 5e20 - 1) < 1e-6)
        #expect(abs(a.grad!.data[0] - 0.6) < 1e-5 && abs(a.grad!.data[39] - 0.8) < 1e-5)
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.step(every: 2, gamma: 0.1).factor(step: 3, of: 10) == Float(0.1))
        #expect(abs(LearningRateSchedule.multiStep(milestones: [2, 4], gamma: 0.5).factor(step: 4, of: 10) - 0.25) < 1e-7)
        #expect(abs(LearningRateSchedule.exponential(gamma: 0.9).factor(step: 2, of: 10) - 0.81) < 1e-6)
        let cosine = LearningRateSchedule.cosine(epochs: 10)
        #expect(cosine.factor(step: 0, of: 20) == 1 && abs(cosine.factor(step: 5, of: 20) - 0.5) < 1e-6)
        #expect(abs(cosine.factor(step: 10, of: 20)) < 1e-6)
        // Without a length, decay spans the run: half-way through 20 epochs is half the rate.
        #expect(abs(LearningRateSchedule.cosine().factor(step: 10, of: 20) - 0.5) < 1e-6)
        #expect(abs(LearningRateSchedule.polynomial(epochs: 4, power: 2).factor(step: 2, of: 10) - 0.25) < 1e-6)
        #expect(abs(LearningRateSchedule.polynomial(power: 1).factor(step: 3, of: 4) - 0.25) < 1e-6)
        #expect(abs(LearningRateSchedule.naturalExponential(rate: 0.5).factor(step: 2, of: 10) - Float(Foundation.exp(-1.0))) < 1e-6)
        #expect(LearningRateSchedule.inverseTime(rate: 0.5).factor(step: 6, of: 10) == 0.25)
        let piecewise = LearningRateSchedule.piecewise(boundaries: [2, 5], factors: [1, 0.1, 0.01])
        #expect([0, 1, 2, 4, 5, 9].map { piecewise.factor(step: $0, of: 10) } == [1, 1, 0.1, 0.1, 0.01, 0.01])
        let noam = LearningRateSchedule.noam(warmup: 4)
        #expect([0, 1, 3, 15].map { noam.factor(step: $0, of: 100) } == [0.25, 0.5, 1, 0.5])
        let warm = LearningRateSchedule.warmup(epochs: 2, startFactor: 0.5, then: .step(every: 1, gamma: 0.1))
        #expect(warm.factor(step: 0, of: 10) == 0.5 && warm.factor(step: 1, of: 10) == 0.75 && warm.factor(step: 2, of: 10) == 1)
        #expect(abs(warm.factor(step: 3, of: 10) - 0.1) < 1e-7)
        // A warm-up followed by cosine: the cosine spans the epochs after the warm-up.
        #expect(abs(LearningRateSchedule.warmup(epochs: 2, then: .cosine()).factor(step: 6, of: 10) - 0.5) < 1e-6)
        var plateau = PlateauReducer(factor: 0.5, patience: 1)
        #expect([3.0, 2.0, 2.5, 2.4, 2.2, 2.3].map { plateau.observe(loss: $0) } == [1, 1, 1, 0.5, 0.5, 0.25])  // 2.5 and 2.4 exceed patience; 2.2 and 2.3 do not beat 2
    }
}
