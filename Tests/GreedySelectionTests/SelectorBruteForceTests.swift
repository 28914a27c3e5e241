import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import GreedySelection

/// Tiny random instances (N ≤ 8) where every choice can be checked exhaustively.
func tinyProblem(seed: UInt64, inputs: Int = 3, width: Int = 7) throws -> AtomProblem {
    try GreedyInstance(dimension: 2, inputs: inputs, width: width, activation: .tanh, heldOutInputs: 5).build(stream: RandomStream(seed: seed))
}

/// (1/M)‖(1 − γ) f + γ φ_i − t‖², evaluated directly.
func directLoss(_ p: AtomProblem, _ f: [Double], _ i: Int, _ gamma: Double) -> Double {
    let m = p.inputCount
    var s = 0.0
    for r in 0..<m { let v = (1 - gamma) * f[r] + gamma * p.atoms[r, i] - p.target[r]; s += v * v }
    return s / Double(m)
}

/// f_n rebuilt from the recorded sparse weights.
func output(_ p: AtomProblem, _ w: [(neuron: Int, weight: Double)]) -> [Double] {
    var f = [Double](repeating: 0, count: p.inputCount)
    for (i, a) in w { for r in 0..<p.inputCount { f[r] += a * p.atoms[r, i] } }
    return f
}

@Test(arguments: [UInt64(1), 2, 3, 4, 5])
func lineSearchChoiceEqualsExhaustiveArgmin(seed: UInt64) throws {
    let p = try tinyProblem(seed: seed)
    let trace = try GreedyLineSearchSelector.run(on: p, steps: 12, options: SelectionOptions(recordWeights: true), stream: RandomStream(seed: 0))
    // First atom: exhaustive argmin of ‖φ_i − t‖².
    let firstBest = (0..<p.neuronCount).min { directLoss(p, p.target, $0, 1) < directLoss(p, p.target, $1, 1) }
    #expect(trace.chosen[0] == firstBest)
    let grid = (0...20_000).map { Double($0) / 20_000 }
    for k in 1..<trace.count {
        let f = output(p, trace.weights[k - 1])
        // Exhaustive over neurons: a dense γ grid, then ternary refinement of the (convex) loss around its best point.
        var bestLoss = Double.infinity, bestI = -1, bestGamma = 0.0
        for i in 0..<p.neuronCount {
            var g0 = 0.0, l0 = Double.infinity
            for g in grid {
                let l = directLoss(p, f, i, g)
                if l < l0 { l0 = l; g0 = g }
            }
            var lo = max(0, g0 - 1.0 / 20_000), hi = min(1, g0 + 1.0 / 20_000)
            for _ in 0..<200 {
                let a = lo + (hi - lo) / 3, b = hi - (hi - lo) / 3
                if directLoss(p, f, i, a) < directLoss(p, f, i, b) { hi = b } else { lo = a }
            }
            let refined = (lo + hi) / 2
            let lr = directLoss(p, f, i, refined)
            if lr < l0 { l0 = lr; g0 = refined }
            if l0 < bestLoss { bestLoss = l0; bestI = i; bestGamma = g0 }
        }
        let chosenGamma = trace.stepSize[k]
        // The closed form can only be better than the grid, and by no more than the grid's resolution allows.
        #expect(trace.loss[k] <= bestLoss * (1 + 1e-9) + 1e-300)
        #expect(trace.loss[k] >= bestLoss * (1 - 1e-9) - 1e-18)
        if bestLoss > 1e-14 {
            #expect(trace.chosen[k] == bestI || abs(directLoss(p, f, trace.chosen[k], chosenGamma) - bestLoss) <= 1e-9 * bestLoss)
            if trace.chosen[k] == bestI { #expect(abs(chosenGamma - bestGamma) <= 1e-6) }
        }
        // The recorded loss is the loss of the recorded weights.
        #expect(abs(AtomProblem.meanSquaredDifference(output(p, trace.weights[k]), p.target) - trace.loss[k]) <= 1e-12 * max(trace.loss[k], 1e-20) + 1e-28)
    }
}

@Test(arguments: [UInt64(11), 12, 13])
func closedFormStepEqualsDenseGridSearch(seed: UInt64) throws {
    let p = try tinyProblem(seed: seed, inputs: 4, width: 8)
    let state = SelectionState(problem: p, selector: GreedyLineSearchSelector.name, steps: 3, options: SelectionOptions())
    state.move(toward: 0, gamma: 1)
    state.move(toward: 3, gamma: 0.4)
    state.refresh()
    state.computeScores()
    let f = state.f
    for i in 0..<p.neuronCount {
        // The selector's own closed form for neuron i alone.
        let ed = state.s[i] - state.ef, dd = state.distanceSquared(i)
        let closed = GreedyLineSearchSelector.exactStep(gap: -ed, distanceSquared: dd)
        var gridBest = 0.0, gridLoss = Double.infinity
        for k in 0...100_000 {
            let g = Double(k) / 100_000
            let l = directLoss(p, f, i, g)
            if l < gridLoss { gridLoss = l; gridBest = g }
        }
        #expect(abs(closed - gridBest) <= 2e-5, "neuron \(i): closed \(closed) grid \(gridBest)")
        #expect(directLoss(p, f, i, closed) <= gridLoss * (1 + 1e-12) + 1e-300)
    }
}

@Test(arguments: [UInt64(21), 22, 23])
func uniformGreedyChoiceEqualsExhaustiveArgmin(seed: UInt64) throws {
    let p = try tinyProblem(seed: seed, width: 6)
    for (selector, worst) in [(GreedyUniformSelector.self as any Selector.Type, false), (WorstNeuronSelector.self, true)] {
        let trace = try selector.run(on: p, steps: 15, options: SelectionOptions(recordWeights: true), stream: RandomStream(seed: 0))
        var f = [Double](repeating: 0, count: p.inputCount)
        for k in 0..<trace.count {
            let gamma = 1 / Double(k + 1)
            let losses = (0..<p.neuronCount).map { directLoss(p, f, $0, gamma) }
            let target = worst ? losses.max() : losses.min()
            #expect(abs(losses[trace.chosen[k]] - (target ?? .nan)) <= 1e-12 * max(1e-30, abs(target ?? 0)))
            f = (0..<p.inputCount).map { (1 - gamma) * f[$0] + gamma * p.atoms[$0, trace.chosen[k]] }
            #expect(abs(trace.loss[k] - p.loss(f)) <= 1e-12 * trace.loss[k] + 1e-30)
        }
    }
}

@Test func simplexLeastSquaresMatchesGridOnThreeAtoms() throws {
    let stream = RandomStream(seed: 5)
    for _ in 0..<5 {
        let y = try Matrix(rows: 2, cols: 3, columnMajor: stream.gaussianVector(6))
        let t = stream.gaussianVector(2).map { $0 * 2 } // often outside the hull: the constraints bind
        let lam = try SimplexLeastSquares.solve(y, target: t, start: [1, 0, 0])
        let total: Double = lam.reduce(0, +)
        #expect(abs(total - 1) < 1e-12)
        #expect(lam.allSatisfy { $0 >= 0 })
        func value(_ l: [Double]) -> Double {
            var s = 0.0
            for r in 0..<2 { let v = (0..<3).reduce(0.0) { $0 + l[$1] * y[r, $1] } - t[r]; s += v * v }
            return s
        }
        var best = Double.infinity
        let k = 400
        for a in 0...k { for b in 0...(k - a) { best = min(best, value([Double(a) / Double(k), Double(b) / Double(k), Double(k - a - b) / Double(k)])) } }
        #expect(value(lam) <= best + 1e-12)
        #expect(value(lam) >= best - 1e-3 * max(best, 1e-6) - 1e-6)
    }
}

@Test func fullyCorrectiveAndAwayStepAreDescentMethodsOnTheSimplex() throws {
    for seed in UInt64(31)...33 {
        let p = try tinyProblem(seed: seed, inputs: 3, width: 8)
        for m in [FullyCorrectiveSelector.self as any Selector.Type, AwayStepSelector.self] {
            let t = try m.run(on: p, steps: 200, options: SelectionOptions(recordWeights: true), stream: RandomStream(seed: 0))
            for k in 1..<t.count { #expect(t.loss[k] <= t.loss[k - 1] * (1 + 1e-9) + 1e-30, "\(m.name) step \(k)") }
            for w in t.weights {
                #expect(abs(w.reduce(0) { $0 + $1.weight } - 1) < 1e-9)
                #expect(w.allSatisfy { $0.weight > 0 })
            }
            // The target (the atoms' mean) lies in the hull: both converge linearly, fully-corrective exactly.
            let limit = m == FullyCorrectiveSelector.self ? 1e-20 : 1e-2 * t.loss[0]
            #expect(t.loss.last ?? 1 < limit, "\(m.name) final \(t.loss.last ?? .nan)")
        }
        // Fully corrective needs at most M + 1 = 4 neurons at the optimum (Carathéodory) and gets there in few steps.
        let fc = try FullyCorrectiveSelector.run(on: p, steps: 40, options: SelectionOptions(), stream: RandomStream(seed: 0))
        #expect(fc.distinct.last ?? 99 <= 4)
    }
}
