import Components
import Foundation
import Randomness

/// AmIGO (Arbel & Mairal, ICLR 2022): warm-started inner SGD on y, then warm-started SGD on the linear
/// system ½zᵀHz + zᵀ∇_yF, then an x step along ∇ₓF + ∇ₓ∇_yG·z on a fresh batch.
///
/// Per outer step: T steps y ← y − β∇_yG(ξ_t); T_z steps z ← z − η(H_ξ z + ∇_yF(ξ)); x ← x − α(∇ₓF + J z).
/// x step α_k = α(k₀/(k₀+k))^p, p = 0.5 by default; p = 0 with `--target-eps` (the paper's analysis:
/// constant steps with batches growing as 1/ε).
/// Proved: O(ε^-2) stochastic oracle calls (theorem number unconfirmed).
public struct AmIGO: BilevelSolver {
    public static let name = "amigo"
    public static let summary = "AmIGO: warm-started inner SGD and SGD on the linear system, O(ε^-2) (Arbel & Mairal 2022)"
    public static let proved: ProvedRate = .epsilonExponent(2, source: "Arbel & Mairal 2022, with batches ∝ 1/ε; theorem number unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α (constant)"),
        DerivedParameter("beta", .overSmoothness(0.5), .positive, "inner y step β"),
        DerivedParameter("eta", .overSmoothness(0.5), .positive, "linear-system step η"),
    ]
    public static let fixedParameters: [Parameter] = [
        .count("T", 2, "inner SGD steps on y per outer step"),
        .count("Tz", 2, "SGD steps on the linear system per outer step"),
        .real("alpha-power", 0.5, .unit, "decay exponent p of the x step α_k = α(k₀/(k₀+k))^p (0 = constant)"),
        .real("offset", 10, .positive, "k₀ of the step schedule"),
        .count("batch", 1, "minibatch size"),
    ]

    public let values: ParameterValues
    let power: Double, k0: Double
    let a: Double, b: Double, e: Double, t: Int, tz: Int, bs: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        power = values.real("alpha-power"); k0 = values.real("offset")
        a = values.real("alpha"); b = values.real("beta"); e = values.real("eta")
        t = values.int("T"); tz = values.int("Tz"); bs = try batchSize(values, "batch", problem)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        var z = [Double](repeating: 0, count: dy), gy = z, hz = z, fy = z
        var fx = [Double](repeating: 0, count: dx), jz = fx
        var k = 0
        repeat {
            let ak = decayed(a, k, offset: k0, power: power)
            k += 1
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
            for i in 0..<dx { x[i] -= ak * (fx[i] + jz[i]) }
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] {
        ["batch": Prescription.size((1 / epsilon).rounded(.up), cappedBy: problem), "alpha-power": .real(0)]
    }
}
