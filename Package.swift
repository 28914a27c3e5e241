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

        // Shared shapes: parameters as data, catalogues, atomic output, divergence, progress.
        .target(name: "Components"),

        // Numerical foundation.
        .target(name: "GSLSupport", dependencies: ["CGSL"]),
        .target(name: "LinearAlgebra", dependencies: ["CLAPACKE", "CBLAS"]),
        .target(name: "Randomness", dependencies: ["CGSL", "GSLSupport"]),
        .target(name: "Statistics", dependencies: ["CGSL", "GSLSupport", "Randomness"]),
        .target(name: "TextPlot"),
        .target(name: "Datasets", dependencies: ["Components", "LinearAlgebra", "Randomness"]),

        // Research areas.
        .target(name: "GreedySelection", dependencies: ["Components", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .target(name: "Bilevel", dependencies: ["Components", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .target(name: "SparseNets", dependencies: ["Components", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),

        // Claims: the framework, then one file per claim.
        .target(name: "ClaimKit", dependencies: ["Components", "Statistics", "TextPlot"]),
        .target(name: "Claims", dependencies: [
            "ClaimKit", "Components", "LinearAlgebra", "Randomness", "Statistics", "TextPlot", "Datasets",
            "GreedySelection", "Bilevel", "SparseNets",
        ]),

        // Sweeps: grids, run ids, the local worker pool, Slurm job arrays, merging records (knows no command).
        .target(name: "Sweep", dependencies: ["Components", "Statistics", "TextPlot"]),

        // Command line: commands in a library (testable), a thin executable.
        .target(name: "WorkbenchCLI", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "ClaimKit", "Claims", "Components", "LinearAlgebra", "Randomness", "Statistics", "TextPlot", "Datasets",
            "GreedySelection", "Bilevel", "SparseNets", "Sweep",
        ]),
        .executableTarget(name: "workbench", dependencies: ["WorkbenchCLI"]),
        .executableTarget(name: "Benchmarks", dependencies: [
            "Components", "LinearAlgebra", "Randomness", "TextPlot", "Datasets", "GreedySelection", "Bilevel", "SparseNets",
        ]),

        // One test target per library module.
        .testTarget(name: "ComponentsTests", dependencies: ["Components"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "Randomness"]),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "Randomness"]),
        .testTarget(name: "TextPlotTests", dependencies: ["TextPlot"], resources: [.copy("Golden")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Components", "Datasets", "LinearAlgebra", "Randomness"]),
        .testTarget(name: "GreedySelectionTests", dependencies: ["Components", "GreedySelection", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .testTarget(name: "BilevelTests", dependencies: ["Components", "Bilevel", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .testTarget(name: "SparseNetsTests", dependencies: ["Components", "SparseNets", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .testTarget(name: "ClaimsTests", dependencies: ["Claims", "ClaimKit", "Components", "Statistics"]),
        .testTarget(name: "WorkbenchCLITests", dependencies: ["WorkbenchCLI", "workbench", "Components", "ClaimKit", "Claims"]),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "Components"]),
    ],
    swiftLanguageModes: [.v6]
)
