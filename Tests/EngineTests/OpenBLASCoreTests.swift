import CKernels
import CSystem
import Foundation
import Testing
@testable import Engine

/// OpenBLAS runs the kernels of the instructions the CPU has: where it falls back to its SSE3 "Prescott" set on a
/// CPU it does not know (0.3.21 on an Emerald Rapids Xeon), the engine moves it to its AVX-512 or AVX2 set when the
/// program starts, unless the user chose a core with OPENBLAS_CORETYPE.
@Suite struct OpenBLASCoreTests {
    @Test func onlyTheFallbackIsReplacedAndByTheWidestSetTheCPUHas() {
        func replacing(_ picked: String?, avx512: Bool, avx2: Bool) -> String? {
            let choice = picked.map { name in name.withCString { zoo_openblas_core_replacing($0, avx512 ? 1 : 0, avx2 ? 1 : 0) } }
                ?? zoo_openblas_core_replacing(nil, avx512 ? 1 : 0, avx2 ? 1 : 0)
            return choice.map { String(cString: $0) }
        }
        #expect(replacing("Prescott", avx512: true, avx2: true) == "SkylakeX")
        #expect(replacing("Prescott", avx512: false, avx2: true) == "Haswell")
        #expect(replacing("Prescott", avx512: false, avx2: false) == nil, "an SSE-only CPU keeps the SSE kernels")
        for known in ["Haswell", "SkylakeX", "Cooperlake", "Zen", "Sandybridge"] {
            #expect(replacing(known, avx512: true, avx2: true) == nil, "\(known) was OpenBLAS's own choice")
        }
        #expect(replacing(nil, avx512: true, avx2: true) == nil)
    }

    /// In this process: the user's core stays; else no CPU with AVX2 runs the Prescott kernels, and a replacement
    /// says which it replaced and took the widest set the engine's own kernels could use.
    @Test func thisProcessRunsTheCoreTheCPUOrTheUserCalledFor() {
        let avx2 = zoo_kernels_for("avx2") != nil, avx512 = zoo_kernels_for("avx512") != nil
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil {
            #expect(BLAS.replacedCore == nil, "a core the user chose is never replaced")
        } else if avx2 {
            #expect(BLAS.coreName != "Prescott", "OpenBLAS \(BLAS.configuration)")
        }
        if let replaced = BLAS.replacedCore {
            #expect(replaced == "Prescott" && BLAS.coreName == (avx512 ? "SkylakeX" : "Haswell"))
            #expect(BLAS.coreDescription == "\(BLAS.coreName), not OpenBLAS's fallback Prescott")
        } else {
            #expect(BLAS.coreDescription == BLAS.coreName)
        }
    }
}
