// swift-tools-version:6.0
import Foundation
import PackageDescription

/// On x86-64 machines with AVX2 and FMA (every x86 server and laptop since 2013), the engine's Swift
/// loops are compiled for them. (The compute-bound kernels are C, compiled for each instruction set and
/// chosen at run time: Sources/CKernels. These flags go once the last Swift loops that need them have
/// followed: Results/bench/README.md, "Engine kernels chosen at run time".) `ZOO_PORTABLE=1 swift build`
/// makes a binary for any x86-64 CPU.
let hostHasAVX2: Bool = {
    #if arch(x86_64) && os(Linux)
    guard ProcessInfo.processInfo.environment["ZOO_PORTABLE"] == nil,
          let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    let set = Set(flags.split(separator: " "))
    return set.contains("avx2") && set.contains("fma")
    #else
    return false
    #endif
}()

/// FUSED_MULTIPLY_ADD tells the kernels that fused multiply-adds are single instructions here
/// (`multiplyAdd` in VectorMath.swift).
let cpu: [SwiftSetting] = hostHasAVX2 ? [.unsafeFlags(["-target-cpu", "haswell"]), .define("FUSED_MULTIPLY_ADD")] : []

/// The engine's kernels are compiled without bounds, overflow and precondition checks in release builds
/// (-Ounchecked): measured with callgrind on a LeNet epoch, -O executes 14% more instructions (direct
/// convolution and im2col 2-3x), about 7% of training time. Everything else (datasets, models, harness,
/// command line) keeps -O's checks: -Ounchecked there saved 0.003% (LeNet) and 0.4% (softmax).
let kernels: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))] + cpu

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

        // PNG decoding in C: libpng reports errors by longjmp, which Swift code cannot catch.
        .target(name: "CPNGDecoding", dependencies: ["CPNG"]),
        // The engine's compute-bound kernels in C, compiled for each instruction set and chosen at run time.
        .target(name: "CKernels"),

        .target(name: "Engine", dependencies: ["CBLAS", "CKernels"], swiftSettings: kernels),
        .target(name: "Datasets", dependencies: ["Engine", "CZlib", "CPNGDecoding"], path: "Datasets", exclude: ["Corpora"], swiftSettings: cpu),
        .target(name: "Zoo", dependencies: ["Engine"], path: "Zoo", swiftSettings: cpu),
        .target(name: "Harness", dependencies: ["Engine", "Datasets", "Zoo", "CPNG"], swiftSettings: cpu),
        .executableTarget(name: "zoo", dependencies: [
            "Harness", "Zoo", "Datasets", "Engine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The parsers' fuzz harness (see README, "Fuzzing"), with -O's checks like everything but the kernels.
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
