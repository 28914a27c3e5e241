import Foundation
import Randomness

/// BSA (Ghadimi & Wang 2018): decaying outer steps, a growing inner SGD loop, and the randomly
/// truncated Neumann estimator.
///
/// Schedule used here: α_k = α/√(k+1); T_k = min(T_max, ⌈T₀√(k+1)⌉) warm-started inner steps
/// with a constant step β (the paper's inner steps decay like 1/t; a constant step on a
/// strongly convex lower level with warm starts behaves the same on these problems).
public struct BSA: BilevelSolver {
    public static let name = "bsa"
    public static let summary = "BSA: growing inner loop, random-truncation Neumann, O(ε^-2) f / O(ε^-3) g calls (Ghadimi & Wang 2018)"
    static let alpha = SolverParameter("alpha", 0.2, .positive, "x step α; α_k = α/√(k+1)", upperStep: true)
    static let beta = SolverParameter("beta", 0, .positive, "inner y step β (default 0.6/L)")
    static let t0 = SolverParameter("T0", 1, .positive, "inner loop length T_k = ⌈T₀√(k+1)⌉")
    static let tMax = SolverParameter("Tmax", 20, .integer(atLeast: 1), "cap on the inner loop length")
    static let batch = SolverParameter("batch", 1, .integer(atLeast: 1), "minibatch size")
    public static let parameters = [alpha, beta, t0, tMax, batch] + NeumannParameters.all

    let a: Double, b: Double, tStart: Double, cap: Int, bs: Int
    let neumann: NeumannEstimator

    public init(settings s: SolverSettings) throws(BilevelError) {
        a = try s.value(Self.alpha); b = try s.value(Self.beta, default: 0.6 / s.lowerSmoothness)
        tStart = try s.value(Self.t0); cap = try s.int(Self.tMax); bs = try s.batch(Self.batch)
        neumann = try NeumannParameters.make(s, randomTruncation: true)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let work = NeumannEstimator.Workspace(xDimension: x.count, yDimension: y.count)
        var gy = [Double](repeating: 0, count: y.count), hg = [Double](repeating: 0, count: x.count)
        var k = 0
        repeat {
            let root = Double(k + 1).squareRoot()
            let inner = min(cap, max(1, Int((tStart * root).rounded(.up))))
            for _ in 0..<inner {
                oracles.gradYG(x, y, oracles.draw(bs, stream), into: &gy)
                Vec.axpy(-b, gy, &y)
            }
            neumann.estimate(oracles, x, y, neumann.draw(oracles, batch: bs, stream: stream), work: work, into: &hg)
            Vec.axpy(-a / root, hg, &x)
            k += 1
        } while recorder.observe(x, y)
    }
}
