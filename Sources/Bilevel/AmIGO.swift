import Components
import Foundation
import Randomness

/// AmIGO (Arbel & Mairal, ICLR 2022): warm-started inner SGD on y, then warm-started SGD on the linear
/// system ½zᵀHz + zᵀ∇_yF, then an x step along ∇ₓF + ∇ₓ∇_yG·z on a fresh batch.
///
/// Per outer step: T steps y ← y − β∇_yG(ξ_t); T_z steps z ← z − η(H_ξ z + ∇_yF(ξ)); x ← x − α(∇ₓF + J z).
/// Constant steps (the paper's analysis uses constant steps with batches growing as 1/ε).
/// Proved: O(ε^-2) stochastic oracle calls (theorem number unconfirmed).
public struct AmIGO: BilevelSolver {
    public static let name = "amigo"
    public static let summary = "AmIGO: warm-started inner SGD and SGD on the linear system, O(ε^-2) (Arbel & Mairal 2022)"
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α (constant)"),
        DerivedParameter("beta", .overSmoothness(0.5), .positive, "inner y step β"),
        DerivedParameter("eta", .overSmoothness(0.5), .positive, "linear-system step η"),
    ]
    public static let fixedParameters: [Parameter] = [
        .count("T", 2, "inner SGD steps on y per outer step"),
        .count("Tz", 2, "SGD steps on the linear system per outer step"),
        .count("batch", 1, "minibatch size"),
    ]

    public let values: ParameterValues
    let a: Double, b: Double, e: Double, t: Int, tz: Int, bs: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); b = values.real("beta"); e = values.real("eta")
        t = values.int("T"); tz = values.int("Tz"); bs = try batchSize(values, "batch", problem)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        var z = [Double](repeating: 0, count: dy), gy = z, hz = z, fy = z
        var fx = [Double](repeating: 0, count: dx), jz = fx
        repeat {
            for _ in 0..<t {
                oracles.gradYG(x, y, oracles.draw(bs, stream), into: &gy)
                Vec.axpy(-b, gy, &y)
            }
            for _ in 0..<tz {
                let batch = oracles.draw(bs, stream)
                oracles.hessianVector(x, y, z, batch, into: &hz)
                oracles.gradYF(x, y, batch, into: &fy)
                for i in 0..<dy { z[i] -= e * (hz[i] + fy[i]) }
            }
            let batch = oracles.draw(bs, stream)
            oracles.gradXF(x, y, batch, into: &fx)
            oracles.jacobianVector(x, y, z, batch, into: &jz)
            for i in 0..<dx { x[i] -= a * (fx[i] + jz[i]) }
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] {
        ["batch": Prescription.size((1 / epsilon).rounded(.up), cappedBy: problem)]
    }
}
