// swift-tools-version:6.0
import PackageDescription

/// Numeric code is compiled with bounds checks off and whole-module optimization in release builds.
let numeric: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

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

        .target(name: "Engine", dependencies: ["CBLAS"], swiftSettings: numeric),
        .target(name: "Datasets", dependencies: ["Engine", "CZlib"], path: "Datasets", swiftSettings: numeric),
        .target(name: "Zoo", dependencies: ["Engine"], path: "Zoo", swiftSettings: numeric),
        .target(name: "Harness", dependencies: ["Engine", "Datasets", "Zoo", "CPNG"], swiftSettings: numeric),
        .executableTarget(name: "zoo", dependencies: [
            "Harness", "Zoo", "Datasets", "Engine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "EngineTests", dependencies: ["Engine"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Engine"]),
        .testTarget(name: "ZooTests", dependencies: ["Zoo", "Engine", "Datasets", "Harness"]),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "Zoo", "Datasets", "Engine"]),
    ],
    swiftLanguageModes: [.v5]
)
