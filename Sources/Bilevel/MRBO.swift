import Foundation
import Randomness

/// MRBO (Yang, Ji, Liang 2021): single loop with STORM recursive momentum on both levels.
///
/// The momentum weights follow the schedule α_{k+1} = c₁η_k², β_{k+1} = c₂η_k² with
/// η_k = d·(m/(m+k))^{1/3}; the authors' code resets them to constants each step, which is not
/// the analysed method. Each correction evaluates the same samples at the new and the old point.
public struct MRBO: BilevelSolver {
    public static let name = "mrbo"
    public static let summary = "MRBO: recursive (STORM) momentum on x and y, Õ(ε^-1.5) (Yang, Ji, Liang 2021)"
    static let d = SolverParameter("d", 1, .positive, "η₀: η_k = η₀·(m/(m+k))^{1/3}")
    static let m = SolverParameter("m", 10, .positive, "offset m of η_k")
    static let gamma = SolverParameter("gamma", 0.3, .positive, "x step factor γ (x ← x − γη_k u)", upperStep: true)
    static let lambda = SolverParameter("lambda", 0, .positive, "y step factor λ (default 1/L: 0.5 on quadratic)")
    static let c1 = SolverParameter("c1", 0.3, .positive, "α_{k+1} = c₁η_k² (x momentum)")
    static let c2 = SolverParameter("c2", 0.3, .positive, "β_{k+1} = c₂η_k² (y momentum)")
    static let batch = SolverParameter("batch", 1, .integer(atLeast: 1), "minibatch size B")
    public static let parameters = [d, m, gamma, lambda, c1, c2, batch] + NeumannParameters.all

    let eta0: Double, offset: Double, g: Double, l: Double, k1: Double, k2: Double, bs: Int
    let neumann: NeumannEstimator

    public init(settings s: SolverSettings) throws(BilevelError) {
        eta0 = try s.value(Self.d); offset = try s.value(Self.m); g = try s.value(Self.gamma)
        l = try s.value(Self.lambda, default: 1 / s.lowerSmoothness); k1 = try s.value(Self.c1); k2 = try s.value(Self.c2)
        bs = try s.batch(Self.batch)
        neumann = try NeumannParameters.make(s)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        let work = NeumannEstimator.Workspace(xDimension: dx, yDimension: dy)
        var v = [Double](repeating: 0, count: dy), u = [Double](repeating: 0, count: dx)
        var gNew = v, gOld = v, hNew = u, hOld = u
        oracles.gradYG(x, y, oracles.draw(bs, stream), into: &v)
        neumann.estimate(oracles, x, y, neumann.draw(oracles, batch: bs, stream: stream), work: work, into: &u)
        var k = 0
        var xOld = x, yOld = y
        repeat {
            let eta = eta0 * pow(offset / (offset + Double(k)), 1.0 / 3)
            xOld = x; yOld = y
            Vec.axpy(-g * eta, u, &x)
            Vec.axpy(-l * eta, v, &y)
            let alpha = min(1, k1 * eta * eta), beta = min(1, k2 * eta * eta)
            let batch = oracles.draw(bs, stream)
            oracles.gradYG(x, y, batch, into: &gNew)
            oracles.gradYG(xOld, yOld, batch, into: &gOld)
            for i in 0..<dy { v[i] = gNew[i] + (1 - beta) * (v[i] - gOld[i]) }
            let sample = neumann.draw(oracles, batch: bs, stream: stream)
            neumann.estimate(oracles, x, y, sample, work: work, into: &hNew)
            neumann.estimate(oracles, xOld, yOld, sample, work: work, into: &hOld)
            for i in 0..<dx { u[i] = hNew[i] + (1 - alpha) * (u[i] - hOld[i]) }
            k += 1
        } while recorder.observe(x, y)
    }
}
