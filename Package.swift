// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Zoo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "zoo", targets: ["zoo"]),
        .library(name: "Engine", targets: ["Engine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),

        // PNG decoding in C: libpng reports errors by longjmp, which Swift code cannot catch.
        .target(name: "CPNGDecoding", dependencies: ["CPNG"]),
        // The engine's compute-bound kernels in C, compiled for each instruction set and chosen at run time.
        .target(name: "CKernels"),
        // What the engine asks of the C library and OpenBLAS: a short idle spin for OpenBLAS's threads, its kernels for
        // the instructions the CPU has (as CKernels sees them), free memory returned.
        .target(name: "CSystem", dependencies: ["CKernels"]),

        .target(name: "Engine", dependencies: ["CBLAS", "CKernels", "CSystem"]),
        .target(name: "Datasets", dependencies: ["Engine", "CZlib", "CPNGDecoding"], path: "Datasets", exclude: ["Corpora"]),
        .target(name: "Zoo", dependencies: ["Engine"], path: "Zoo"),
        .target(name: "Harness", dependencies: ["Engine", "Datasets", "Zoo", "CPNG"]),
        // Data-parallel training over Open MPI (`mpirun -np N zoo run ...`).
        .target(name: "Cluster", dependencies: ["Harness", "Datasets", "Engine", "CMPI"]),
        .executableTarget(name: "zoo", dependencies: [
            "Harness", "Zoo", "Datasets", "Engine", "Cluster",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The parsers' fuzz harness (see README, "Fuzzing").
        .target(name: "Fuzzing", dependencies: ["Harness", "Zoo", "Datasets", "Engine", "CZlib"]),
        .executableTarget(name: "zoo-fuzz", dependencies: [
            "Fuzzing", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "EngineTests", dependencies: ["Engine"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Engine", "Fuzzing"]),
        .testTarget(name: "ZooTests", dependencies: ["Zoo", "Engine", "Datasets", "Harness"]),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "Zoo", "Datasets", "Engine"]),
        .testTarget(name: "CLITests", dependencies: ["zoo", "Harness", "Zoo", "Fuzzing"]),
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing", "Engine"]),
    ],
    swiftLanguageModes: [.v5]
)
