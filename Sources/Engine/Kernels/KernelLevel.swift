import CKernels

/// The instruction set the engine's C kernels run with on this CPU ("avx512", "avx2" or "generic"): the
/// widest the CPU has, chosen when the program starts, or the one `ZOO_KERNELS` names.
public enum KernelLevel {
    public static var current: String { String(cString: zoo_kernels_level()) }

    /// Whether the kernels in use are AVX-512's (fixed when the program starts).
    static let isAVX512 = current == "avx512"

    /// The table of the C kernels of the instruction set in use (`current`).
    static var kernels: zoo_kernel_table { zoo_kernels_for(zoo_kernels_level())!.pointee }
}
