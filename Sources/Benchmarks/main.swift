// `make bench`: throughput figures, never asserted by tests.
// Each area adds one function in its own file and one call here; the summary compares them with the
// anchors' figures that scripts/bench.sh measured just before (`--anchors FILE`), or says why there are none
// (`--no-anchors REASON`).
import Components
import Foundation
import LinearAlgebra

/// The anchors named on the command line: `--anchors FILE` or `--no-anchors REASON`.
func parseAnchors(_ arguments: [String]) throws(InputError) -> Anchors {
    switch arguments.count {
    case 0: return Anchors(missing: "no --anchors FILE given (make bench runs scripts/bench.sh, which measures them)")
    case 2 where arguments[0] == "--anchors": return try Anchors(path: arguments[1])
    case 2 where arguments[0] == "--no-anchors": return Anchors(missing: arguments[1])
    default: throw InputError("usage: workbench-bench [--anchors FILE | --no-anchors REASON], got: \(arguments.joined(separator: " "))")
    }
}

/// The 1-minute load average now, so the figures carry the machine's state beside them.
func loadNote() -> String {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
    return "\(cores) cores, load average \(text)"
}

let anchors: Anchors
do { anchors = try parseAnchors(Array(CommandLine.arguments.dropFirst())) } catch {
    FileHandle.standardError.write(Data("workbench-bench: \(error)\n".utf8))
    exit(2)
}

// Benchmarks run with one BLAS thread, as the workbench does, unless a section says otherwise.
BLASThreads.set(1)

// As the workbench binary does: freed batches stay in the process (see Allocator).
Allocator.keepFreedMemory()
let startLoad = loadNote()
print("workbench benchmarks (release build; numbers vary with the machine and its load; at start: \(startLoad))")
// BENCH_ONLY=greedy (or bilevel, mlp, sparse, …) runs the sections whose names contain it, to iterate on one area.
let only = ProcessInfo.processInfo.environment["BENCH_ONLY"] ?? ""
func section(_ name: String) -> Bool { only.isEmpty || name.contains(only) }
let limits = machineLimits()
if section("linear-algebra") { linearAlgebraBenchmarks() }
let greedy = section("greedy") ? greedyBenchmarks() : GreedyFigures()
if section("bilevel") { bilevelBenchmarks() }
let benchopt = section("bilevel-benchopt") ? benchoptQuadraticBenchmarks() : []
let mlp = section("mlp") ? mlpThroughput() : []
if section("sparse") { sparseNetsBenchmarks() }
if section("lottery") { lotteryBenchmarks() }
printSummary(BenchFigures(limits: limits, greedy: greedy, mlp: mlp, bilevel: benchopt, anchors: anchors),
             load: "at start: \(startLoad); at end: \(loadNote())")
