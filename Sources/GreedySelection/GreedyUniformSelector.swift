import Components
import Randomness

/// Greedy forward selection with uniform weights (Ye et al., ICML 2020): f_{n+1} = (n f_n + φ_i)/(n + 1) with the
/// neuron i that minimises the new loss; neurons may repeat. Deterministic bound L_n ≤ V/n.
public enum GreedyUniformSelector: Selector {
    public static let name = "greedy-uniform"
    public static let summary = "uniform weights 1/n, best neuron each step (L_n ≤ V/n)"
    public static let parameters: [Parameter] = []
    public static let recordsCertificate = false
    public static let isControl = false
    public static let isMonotone = false

    public static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, parameters: ParameterValues,
                           stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        try UniformSteps.run(on: problem, steps: steps, options: options, worst: false, selector: name)
    }
}

/// The uniform-weight loop shared by greedy-uniform and its worst-neuron control.
enum UniformSteps {
    static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, worst: Bool, selector: String) throws(GreedyError) -> SelectionTrace {
        try GreedyValidation.checkSteps(steps)
        let state = SelectionState(problem: problem, selector: selector, steps: steps, options: options, screenable: true)
        let sign = worst ? -1.0 : 1.0
        for k in 0..<steps {
            // ‖k e + φ_i − t‖² = const + 2k s_i + ‖φ_i‖² − 2⟨φ_i, t⟩, so one pass over the scores picks i.
            let twoK = 2 * Double(k)
            let best: Int
            if let screen = state.screen {
                best = screenedPick(state, screen, twoK: twoK, sign: sign)
                state.trace.screenedSteps += 1
                state.trace.exactScores = screen.exactCount
                // Past its trial steps a screen that computes many exact scores costs more than the scan: drop it, and
                // `record` computes the scores the scan needs (same picks from here on).
                if !screen.pays(afterSteps: state.trace.screenedSteps) { state.screen = nil }
            } else {
                best = scannedPick(state, twoK: twoK, sign: sign)
            }
            let gamma = 1 / Double(k + 1)
            state.move(toward: best, gamma: gamma)
            try state.record(stepSize: gamma, chosen: best, needScores: true)
        }
        return state.trace
    }

    /// The value the step minimises over atoms, sign·(2k s_i + ‖φ_i‖² − 2⟨φ_i, t⟩): one expression for the scan and the
    /// screen, so both compare the same bits.
    @inline(__always)
    static func value(score s: Double, squaredNorm q: Double, targetInner a: Double, twoK: Double, sign: Double) -> Double {
        sign * (twoK * s + q - 2 * a)
    }

    /// The pick from every score (ties to the lowest index); the scan's best values become the runners-up whose Gram
    /// columns a miss computes alongside.
    static func scannedPick(_ state: SelectionState, twoK: Double, sign: Double) -> Int {
        let problem = state.problem, n = state.n
        var best = 0, bestV = Double.infinity
        let leaders = state.runnersUp
        leaders.reset()
        state.s.withUnsafeBufferPointer { s in
            problem.columnSquaredNorms.withUnsafeBufferPointer { q in
                problem.atomTargetInner.withUnsafeBufferPointer { a in
                    for i in 0..<n {
                        let v = value(score: s[i], squaredNorm: q[i], targetInner: a[i], twoK: twoK, sign: sign)
                        if v < bestV { bestV = v; best = i }
                        if v < leaders.threshold { leaders.offer(v, i) }
                    }
                }
            }
        }
        return best
    }

    /// The full scan's pick from the screen's bounds: v_i = sign·(2k s_i + ‖φ_i‖² − 2⟨φ_i, t⟩) is linear in s_i, so its
    /// lowest value over s_i's interval is at one end. The atom with the lowest bound is evaluated first, then every atom
    /// whose bound does not exceed the best exact value, in index order (ties to the lowest index, as in the scan). Each
    /// bound is lowered by 1e-12 of its terms' magnitudes, over the rounding of either side of the comparison.
    static func screenedPick(_ state: SelectionState, _ screen: ScoreScreen, twoK: Double, sign: Double) -> Int {
        let problem = state.problem, coeff = sign * twoK
        screen.prepare(f: state.f, e: state.e)
        var first = 0, firstBound = Double.infinity
        problem.columnSquaredNorms.withUnsafeBufferPointer { q in
            problem.atomTargetInner.withUnsafeBufferPointer { a in
                screen.bound { i, lo, hi in
                    let term = coeff * (coeff >= 0 ? lo : hi)
                    let b = sign * (q[i] - 2 * a[i]) + term - 1e-12 * (abs(term) + q[i] + 2 * abs(a[i]))
                    if b < firstBound { firstBound = b; first = i }
                    return b
                }
            }
        }
        var best = first, bestV = Double.infinity
        func evaluate(_ i: Int) {
            let v = value(score: screen.exactScore(i, state.e, atoms: problem.atoms), squaredNorm: problem.columnSquaredNorms[i],
                          targetInner: problem.atomTargetInner[i], twoK: twoK, sign: sign)
            if v < bestV || (v == bestV && i < best) { bestV = v; best = i }
        }
        evaluate(first)
        for i in 0..<state.n where i != first && screen.bounds[i] <= bestV { evaluate(i) }
        return best
    }
}
