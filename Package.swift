// swift-tools-version:6.0
import PackageDescription

// One library target per concept; the executable only parses arguments and prints.
// Data flows one way: Datasets/problems → algorithms → runs → Statistics fits → ClaimKit verdicts → text/JSON.
// Test code is not where the time goes (the libraries it calls are optimised); compiling it with -O
// cost about a minute of a fresh `make test`, so test targets build unoptimised even in release.
// Nothing imports a test module, so its interface is not emitted in a job of its own: that job loaded the
// imports and type-checked the declarations a second time (about 25 s of compile CPU over the twelve).
let testSettings: [SwiftSetting] = [.unsafeFlags(["-Onone", "-no-emit-module-separately-wmo"], .when(configuration: .release))]
// Modules that orchestrate and print (claims, reports, sweeps, text plots, commands) build unoptimised too:
// their time goes into the optimised libraries they call. -O on Claims, ClaimKit, Sweep and TextPlot cost about
// 30 s of compile CPU and bought nothing: `verify all` ran 155 s with it and 148 s without, byte-identical.
let orchestrationSettings: [SwiftSetting] = [.unsafeFlags(["-Onone"], .when(configuration: .release))]

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
        .target(name: "TextPlot", swiftSettings: orchestrationSettings),
        .target(name: "Datasets", dependencies: ["Components", "LinearAlgebra", "Randomness"]),

        // Research areas.
        .target(name: "GreedySelection", dependencies: ["Components", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .target(name: "Bilevel", dependencies: ["Components", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),
        .target(name: "SparseNets", dependencies: ["Components", "LinearAlgebra", "Randomness", "Statistics", "Datasets"]),

        // Claims: the framework, then one file per claim.
        .target(name: "ClaimKit", dependencies: ["Components", "Statistics", "TextPlot"], swiftSettings: orchestrationSettings),
        .target(name: "Claims", dependencies: [
            "ClaimKit", "Components", "LinearAlgebra", "Randomness", "Statistics", "TextPlot", "Datasets",
            "GreedySelection", "Bilevel", "SparseNets",
        ], swiftSettings: orchestrationSettings),

        // Sweeps: grids, run ids, the local worker pool, Slurm job arrays, merging records (knows no command).
        .target(name: "Sweep", dependencies: ["Components", "Statistics", "TextPlot"], swiftSettings: orchestrationSettings),

        // Command line: commands in a library (testable), a thin executable.
        // Commands parse and print; the libraries compute. Optimising the commands' code bought no run time and was
        // the longest serial step of a release build (about 25 s of one core), so it compiles unoptimised.
        .target(name: "WorkbenchCLI", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "ClaimKit", "Claims", "Components", "LinearAlgebra", "Randomness", "Statistics", "TextPlot", "Datasets",
            "GreedySelection", "Bilevel", "SparseNets", "Sweep",
        ], swiftSettings: orchestrationSettings),
        .executableTarget(name: "workbench", dependencies: ["WorkbenchCLI", "Components"]),
        .executableTarget(name: "Benchmarks", dependencies: [
            "Components", "LinearAlgebra", "Randomness", "TextPlot", "Datasets", "GreedySelection", "Bilevel", "SparseNets",
        ]),

        // What several test targets share: the built binary run as a user runs it, and one verify-all run.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        // One test target per library module.
        .testTarget(name: "ComponentsTests", dependencies: ["Components"], swiftSettings: testSettings),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "Randomness"], swiftSettings: testSettings),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"], swiftSettings: testSettings),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "Randomness"], swiftSettings: testSettings),
        .testTarget(name: "TextPlotTests", dependencies: ["TextPlot"], resources: [.copy("Golden")], swiftSettings: testSettings),
        .testTarget(name: "DatasetsTests", dependencies: ["Components", "Datasets", "LinearAlgebra", "Randomness"], swiftSettings: testSettings),
        .testTarget(name: "GreedySelectionTests", dependencies: ["Components", "GreedySelection", "LinearAlgebra", "Randomness", "Statistics", "Datasets"], swiftSettings: testSettings),
        .testTarget(name: "BilevelTests", dependencies: ["Components", "Bilevel", "LinearAlgebra", "Randomness", "Statistics", "Datasets"], swiftSettings: testSettings),
        .testTarget(name: "SparseNetsTests", dependencies: ["Components", "SparseNets", "LinearAlgebra", "Randomness", "Statistics", "Datasets"], swiftSettings: testSettings),
        .testTarget(name: "ClaimsTests", dependencies: ["Claims", "ClaimKit", "Components", "Statistics", "TestSupport", "workbench"], swiftSettings: testSettings),
        .testTarget(name: "WorkbenchCLITests", dependencies: ["WorkbenchCLI", "workbench", "Components", "ClaimKit", "Claims", "TestSupport"], swiftSettings: testSettings),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "Components"], swiftSettings: testSettings),
    ],
    swiftLanguageModes: [.v6]
)
