import Foundation
import Testing
@testable import Engine

/// The short idle spin for OpenBLAS's threads (`zoo_system.h`), set before main without restarting the process.
@Test func openBLASReadTheThreadTimeoutInForce() {
    // Unless the user chose a value, the engine set 4 in the environment before main; either way OpenBLAS must
    // have read the value the environment now holds (it read its environment before any code of ours ran).
    let inForce = ProcessInfo.processInfo.environment["OPENBLAS_THREAD_TIMEOUT"]
    #expect(inForce != nil)
    #expect(BLAS.threadTimeout == inForce.flatMap { Int($0) })
    // Its thread pool, restarted, still multiplies.
    let a = Tensor(shape: [300, 300], repeating: 1), c = Tensor.zeros([300, 300])
    BLAS.multiplySquare(a, a, into: c)
    #expect(c.scalars.allSatisfy { $0 == 300 })
}
