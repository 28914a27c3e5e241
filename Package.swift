// swift-tools-version:6.0
import PackageDescription

// One library target per concept; the executable only parses arguments and prints.
// Data flows one way: Datasets/problems → algorithms → runs → Statistics fits → ClaimKit verdicts → text/JSON.
let package = Package(
    name: "workbench",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "workbench", targets: ["workbench"]),
        .executable(name: "workbench-bench", targets: ["Benchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries (module map + shim header each; see the comments in the shims).
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE"),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CGSL", path: "Sources/CGSL"),

        // Numerical foundation.
        .target(name: "GSLSupport", dependencies: ["CGSL"]),
        .target(name: "LinearAlgebra", dependencies: ["CLAPACKE", "CBLAS"]),
        .target(name: "Randomness", dependencies: ["CGSL", "GSLSupport"]),
        .target(name: "Statistics", dependencies: ["CGSL", "GSLSupport", "Randomness"]),
        .target(name: "TextPlot"),
        .target(name: "Datasets", dependencies: ["LinearAlgebra", "Randomness"]),

        // Research areas.
        .target(name: "GreedySelection", dependencies: ["LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .target(name: "Bilevel", dependencies: ["LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .target(name: "SparseNets", dependencies: ["LinearAlgebra", "Randomness", "Statistics", "Datasets"]),

        // Claims: the framework, then one file per claim.
        .target(name: "ClaimKit", dependencies: ["Statistics", "TextPlot"]),
        .target(name: "Claims", dependencies: [
            "ClaimKit", "LinearAlgebra", "Randomness", "Statistics", "TextPlot", "Datasets",
            "GreedySelection", "Bilevel", "SparseNets",
        ]),

        // Command line: commands in a library (testable), a thin executable.
        .target(name: "WorkbenchCLI", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "ClaimKit", "Claims", "LinearAlgebra", "Randomness", "Statistics", "TextPlot", "Datasets",
            "GreedySelection", "Bilevel", "SparseNets",
        ]),
        .executableTarget(name: "workbench", dependencies: ["WorkbenchCLI"]),
        .executableTarget(name: "Benchmarks", dependencies: [
            "LinearAlgebra", "Randomness", "TextPlot", "Datasets", "GreedySelection", "Bilevel", "SparseNets",
        ]),

        // One test target per library module.
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "Randomness"]),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "Randomness"]),
        .testTarget(name: "TextPlotTests", dependencies: ["TextPlot"], resources: [.copy("Golden")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "LinearAlgebra", "Randomness"]),
        .testTarget(name: "GreedySelectionTests", dependencies: ["GreedySelection", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .testTarget(name: "BilevelTests", dependencies: ["Bilevel", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .testTarget(name: "SparseNetsTests", dependencies: ["SparseNets", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .testTarget(name: "ClaimsTests", dependencies: ["Claims", "ClaimKit", "Statistics"]),
        .testTarget(name: "WorkbenchCLITests", dependencies: ["WorkbenchCLI", "workbench"]),
    ],
    swiftLanguageModes: [.v6]
)
