import Foundation
import GreedySelection
import LinearAlgebra
import Randomness

/// Steps per second of one selector as a user runs it (Gram cache, and screening where it applies), with the Gram cache
/// only, and with neither (one gemv Φᵀe per step).
struct GreedyRate {
    let cached: Double
    let cacheOnly: Double
    let uncached: Double
    /// Distinct neurons picked in the run: without the runners-up in the cache's blocks, each would cost a pass over Φ.
    let distinct: Int
    /// Steps of the default run that screened, and its exact scores per screened step (0 when it did not screen).
    let screenedSteps: Int
    let exactPerScreenedStep: Double
}

/// The greedy section's figures: per-selector rates and the bare gemv Φᵀe, the uncached floor.
struct GreedyFigures {
    var rates: [String: GreedyRate] = [:]
    var gemvPerSecond = Double.nan
    /// Time of one Gram block (the cache's miss) over the time of one gemv.
    var blockCost = Double.nan
    /// Steps per selector run.
    var steps = 200
}

/// Selection steps per second on N = 10⁴ neurons, M = 10³ inputs, and the memory bandwidth of the per-step gemv Φᵀe.
///
/// Returns the rates by selector name, for the comparison with bench/greedy.py.
func greedyBenchmarks() -> GreedyFigures {
    print("\n== greedy selection: N = 10⁴ neurons, M = 10³ inputs (80 MB atom matrix), 200 steps per method")
    let m = 1000, n = 10_000, steps = 200
    let stream = RandomStream(seed: 7)
    guard let problem = try? GreedyInstance(dimension: 3, inputs: m, width: n, activation: .tanh, heldOutInputs: 0).build(stream: stream) else {
        print("  (could not build the instance)")
        return GreedyFigures()
    }
    // Bare gemv: the floor every method pays once per step.
    var s = [Double](repeating: 0, count: n)
    let e = stream.gaussianVector(m)
    try? gemv(problem.atoms, e, transpose: .transpose, into: &s)
    let start = Date()
    var reps = 0
    repeat { try? gemv(problem.atoms, e, transpose: .transpose, into: &s); reps += 1 } while Date().timeIntervalSince(start) < 1
    let perGemv = Date().timeIntervalSince(start) / Double(reps)
    let bytes = Double(m * n * 8)
    print("  " + "bare gemv Φᵀe".padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: " %8.1f steps/s   %6.2f GB/s of matrix read", 1 / perGemv, bytes / perGemv / 1e9))
    // A block of Gram columns in one pass over Φ: what a miss in the Gram cache costs.
    var block = [Double](repeating: 0, count: n * GramCache.block)
    let picks = Array(0..<GramCache.block)
    let blockStart = Date()
    var blockReps = 0
    repeat {
        block.withUnsafeMutableBufferPointer { gramColumns(problem.atoms, picks, chunk: GramCache.chunk, into: $0.baseAddress!) }
        blockReps += 1
    } while Date().timeIntervalSince(blockStart) < 1
    let perBlock = Date().timeIntervalSince(blockStart) / Double(blockReps)
    print("  " + "Gram block of \(GramCache.block) cols".padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: " %8.1f per second    %6.2f× the time of one gemv", 1 / perBlock, perBlock / perGemv))
    // Each selector as run by default (Gram cache; greedy-uniform also screens here, as the certificate is off), with the
    // Gram cache only, and with neither (one gemv per step), side by side.
    print("  " + "selector".padding(toLength: 22, withPad: " ", startingAt: 0) + "  default steps/s  Gram cache only   uncached steps/s   ratio   distinct picks")
    var out = GreedyFigures(gemvPerSecond: 1 / perGemv, blockCost: perBlock / perGemv, steps: steps)
    for selector in SelectorCatalog.standard {
        var rates = [Double](), distinct = 0, screened = 0, exact = 0.0
        for (cache, screening) in [(true, SelectionOptions.Screening.automatic), (true, .never), (false, .never)] {
            let options = SelectionOptions(recordCertificate: false, gramCache: cache, screening: screening)
            let t0 = Date()
            guard let trace = try? selector.run(on: problem, steps: steps, options: options, stream: stream.split(selector.name)) else { break }
            rates.append(Double(steps) / Date().timeIntervalSince(t0))
            distinct = Set(trace.chosen).count
            if rates.count == 1 {
                screened = trace.screenedSteps
                exact = Double(trace.exactScores) / Double(max(1, trace.screenedSteps))
            }
        }
        guard rates.count == 3 else {
            print("  \(selector.name): failed")
            continue
        }
        out.rates[selector.name] = GreedyRate(cached: rates[0], cacheOnly: rates[1], uncached: rates[2], distinct: distinct,
                                              screenedSteps: screened, exactPerScreenedStep: exact)
        let name = selector.name.padding(toLength: 22, withPad: " ", startingAt: 0)
        print("  " + name + String(format: " %15.1f %16.1f %18.1f %7.2f× %10d", rates[0], rates[1], rates[2], rates[0] / rates[2], distinct))
    }
    return out
}
