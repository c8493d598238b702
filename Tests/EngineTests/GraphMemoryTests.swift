import Foundation
import Testing
@testable import Engine

/// What the recorded graph keeps alive: only what gradients need, and that only until back-propagation
/// has passed it (as PyTorch's saved tensors).
@Suite struct GraphMemoryTests {
    private func parameter(_ values: [Float]) -> Tensor {
        let tensor = Tensor(shape: [values.count], scalars: values)
        tensor.requiresGrad = true
        return tensor
    }

    @Test func anIntermediateNoGradientNeedsIsFreedDuringTheForwardPass() {
        let w = parameter([0.5, -2, 1.5, -0.25])
        let x = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        var product: Tensor? = x * w
        var shifted: Tensor? = product! + 1
        weak let productMemory = product!.storage, shiftedMemory = shifted!.storage
        let y = relu(shifted!)
        product = nil
        shifted = nil
        // `+` needs neither operand for its gradients; relu keeps its output, not its input.
        #expect(productMemory == nil)
        #expect(shiftedMemory == nil)
        y.sum().backward()
        // d/dw sum(relu(x w + 1)) = x where x w + 1 > 0: (1.5, -3, 5.5, 0) are the pre-activations.
        #expect(w.grad?.scalars == [1, 0, 3, 0])
    }

    @Test func whatANodeSavedIsFreedOnceBackPropagationPassesIt() {
        let w = parameter([0.5, -2, 1.5])
        var activation: Tensor? = relu(Tensor(shape: [3], scalars: [1, 2, 3]) * w)
        weak let saved = activation!.storage
        let loss = activation!.sum()
        activation = nil
        #expect(saved != nil, "relu's backward needs its output")
        loss.backward()
        withExtendedLifetime(loss) { #expect(saved == nil, "freed by back-propagation while the loss is still held") }
        #expect(w.grad?.scalars == [1, 0, 3])
    }

    @Test func gradientsFlowThroughSharedIntermediates() {
        // One intermediate used twice and freed from user code: both uses still reach the parameter.
        let w = parameter([2, -1])
        var h: Tensor? = w * w
        let loss = (h! * 3 + sigmoid(h!)).sum()
        h = nil
        loss.backward()
        let expected = [Float(2), -1].map { v -> Float in
            let s = 1 / (1 + Foundation.exp(-v * v))
            return 2 * v * (3 + s * (1 - s))
        }
        for (got, want) in zip(w.grad!.scalars, expected) { #expect(abs(got - want) < 1e-5) }
    }

    @Test func aSecondBackwardThroughTheSameGraphIsAnError() async {
        await #expect(processExitsWith: .failure) {
            let w = Tensor(shape: [2], scalars: [1, 2])
            w.requiresGrad = true
            let loss = (w * w).sum()
            loss.backward()
            loss.backward()
        }
    }
}

/// The engine's buffer pool on its own (not the shared one, which other tests use at the same time).
@Suite struct BufferPoolTests {
    @Test func sizeClassesHoldTheRequestWithAtMostAnEighthMore() {
        var previous = 0
        for count in Array(1...20_000) + stride(from: 20_000, to: 50_000_000, by: 7_919).map({ $0 }) {
            let capacity = BufferPool.capacity(for: count)
            #expect(capacity >= count && capacity >= previous)
            #expect(capacity <= max(count + 15, count + count / 8), "\(count) -> \(capacity)")
            #expect(capacity % 16 == 0)
            previous = capacity
        }
        // Eight classes per doubling above 4,096 floats.
        let classes = Set((65_537...131_072).map(BufferPool.capacity(for:)))
        #expect(classes.count == 8)
    }

    @Test func aFreedBufferServesItsClassAndTheTwoBelow() {
        let pool = BufferPool()
        let classes = Set((50_000...100_000).map(BufferPool.capacity(for:))).sorted()
        let (big, twoBelow, threeBelow) = (classes[classes.count - 1], classes[classes.count - 3], classes[classes.count - 4])
        let (buffer, capacity) = pool.allocate(big)
        pool.release(buffer, capacity: capacity)
        let reused = pool.allocate(twoBelow)
        #expect(reused.pointer == buffer && reused.capacity == big && pool.misses == 1)
        pool.release(reused.pointer, capacity: reused.capacity)
        let fresh = pool.allocate(threeBelow)
        #expect(fresh.pointer != buffer && fresh.capacity == threeBelow && pool.misses == 2)
        pool.release(fresh.pointer, capacity: fresh.capacity)
        pool.drain()
        #expect(pool.cachedBytes == 0 && pool.liveBytes == 0)
    }

    @Test func sizesThatNeverComeAgainAreNotAllKept() {
        // One buffer at a time of ever larger sizes (as inference through layers of different sizes):
        // unbounded, the pool would cache all of them (3.5 GB of address space here, never touched).
        let pool = BufferPool()
        var count = 1 << 20
        for _ in 0..<40 {
            let (buffer, capacity) = pool.allocate(count)
            let bound = pool.peakLiveBytes + max(pool.peakLiveBytes / 16, 64 << 20)
            #expect(pool.liveBytes + pool.cachedBytes <= bound)
            pool.release(buffer, capacity: capacity)
            count = count * 9 / 8 + 1
        }
        #expect(pool.misses == 40)
        #expect(pool.cachedBytes <= pool.peakLiveBytes + max(pool.peakLiveBytes / 16, 64 << 20))
        pool.drain()
    }

    /// ResNet's stem at 28x28 (7x7, stride 2, 256 images) lowers in groups of at most 2 MB when nothing records, 8 MB
    /// when the weights' gradient is wanted: the peak of the shared pool over one pass, in a process of its own so
    /// that no other test allocates meanwhile, is the 12.8 MB result plus less than 6 MB for the lowered matrix and
    /// the GEMM's product in evaluation, and more than that when recording (8.4 + 10.9 MB in two groups).
    @Test(arguments: [false, true])
    func evaluationLowersInSmallerGroups(recording: Bool) async {
        await #expect(processExitsWith: recording ? .failure : .success) { [recording] in
            let x = Tensor(shape: [256, 1, 28, 28], repeating: 0.5), weight = Tensor(shape: [64, 1, 7, 7], repeating: 0.01)
            weight.requiresGrad = recording
            BufferPool.shared.drain()
            let before = BufferPool.shared.peakLiveBytes
            let y = conv2d(x, weight: weight, bias: nil, stride: 2, padding: 3)
            let growth = BufferPool.shared.peakLiveBytes - before
            exit(growth < y.count * 4 + 6 << 20 ? 0 : 1)
        }
    }
}
