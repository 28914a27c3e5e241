import ClaimKit
import Components
import Foundation
import LinearAlgebra
import Randomness
import Statistics
import TextPlot

/// Cholesky solves are backward stable: backward error flat in κ, forward error growing like κ·ε.
public struct LapackSanityClaim: Claim {
    public init() {}

    public let id = "lapack-sanity"
    public let statement = "Cholesky solves of SPD systems are backward stable: backward error stays near ε while forward error grows like κ·ε"
    public let proofPath = "proofs/lapack-sanity.md"
    public let source = "LAPACK Users' Guide (Anderson et al., SIAM 1999), §4.7; N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., SIAM 2002, Thm. 10.3"
    public let rule = "invariant and rate: Cholesky backward error ≤ 100ε at every κ, and its log-log slope against κ has 95% CI upper end < 0.1 (rate); rate: forward-error slope estimate in [0.75, 1.15]"
    public let controlChecks = ["explicit inverse (control)", "backward slope in the forward slope's place (control)"]
    public let negativeControl = "solving through the explicit inverse x = A⁻¹b must fail the backward-stability rule; Cholesky's backward-error slope (flat in κ) must fail the forward-error rule"
    public let parameters: [Parameter] = [
        .int("n", quick: 60, standard: 100, full: 100, 4...1000, "matrix order"),
        .int("kmax", 12, 3...15, "largest log10 condition number (κ = 10^1 … 10^kmax)"),
        .int("seeds", quick: 3, standard: 5, full: 10, 2...100, "independent matrices per κ"),
    ]

    /// Per-κ errors of one solver on one seed.
    public struct Errors: Sendable {
        var backward: [Double] = []
        var forward: [Double] = []
    }

    /// The errors of both solvers at every κ and seed, and the per-seed slopes fitted to them.
    public struct Measurement: Sendable {
        var n: Int
        var kappas: [Double]
        var seeds: [UInt64]
        var chol: [Errors]
        var inv: [Errors]
        var slopes: [String: [Double]]
        var intervals: [String: ConfidenceInterval]
        var cholMaxBackward: Double
        var invMaxBackward: Double
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let n = run.int("n"), kmax = run.int("kmax"), seedCount = run.int("seeds")
        let kappas = (1...kmax).map { pow(10, Double($0)) }
        let master = RandomStream(seed: run.seed)
        let seeds = (0..<seedCount).map { master.split($0).seed }

        var chol = [Errors](), inv = [Errors]()
        for (s, seed) in seeds.enumerated() {
            run.progress.update("lapack-sanity: seed \(s + 1)/\(seedCount)")
            let stream = RandomStream(seed: seed)
            var c = Errors(), v = Errors()
            for kappa in kappas {
                let (a, xTrue) = try Self.instance(n: n, kappa: kappa, stream: stream)
                let b = try a.multiplied(by: xTrue)
                let normA = 1.0 // the spectrum is logspace(0, −k): ‖A‖₂ = 1 by construction
                let xc = try Cholesky(a).solve(b)
                let xi = try inverse(a).multiplied(by: b)
                for (x, e) in [(xc, 0), (xi, 1)] {
                    let r = Vector.subtract(try a.multiplied(by: x), b)
                    let bw = nrm2(r) / (normA * nrm2(x))
                    let fw = nrm2(Vector.subtract(x, xTrue)) / nrm2(xTrue)
                    if e == 0 { c.backward.append(bw); c.forward.append(fw) } else { v.backward.append(bw); v.forward.append(fw) }
                }
            }
            chol.append(c)
            inv.append(v)
        }

        // Per-seed log-log slopes of each error against κ, then a t-interval over seeds.
        func slopes(_ runs: [Errors], _ key: KeyPath<Errors, [Double]>) throws -> [Double] {
            try runs.map { try PowerLawFit(x: kappas, values: $0[keyPath: key].map { max($0, 1e-300) }).slope }
        }
        var slopeTable = [String: [Double]](), intervals = [String: ConfidenceInterval]()
        for (name, runs, key) in [("cb", chol, \Errors.backward), ("cf", chol, \Errors.forward), ("ib", inv, \Errors.backward), ("if", inv, \Errors.forward)] {
            slopeTable[name] = try slopes(runs, key)
            intervals[name] = try ConfidenceInterval(tOver: slopeTable[name] ?? [])
        }
        return Measurement(n: n, kappas: kappas, seeds: seeds, chol: chol, inv: inv, slopes: slopeTable, intervals: intervals,
                           cholMaxBackward: chol.flatMap(\.backward).max() ?? .nan, invMaxBackward: inv.flatMap(\.backward).max() ?? .nan)
    }

    private static let eps = Double.ulpOfOne
    private static func f(_ x: Double) -> String { NumberFormat.compact(x) }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let eps = Self.eps, f = Self.f
        let cbCI = m.intervals["cb"]!, cfCI = m.intervals["cf"]!, ibCI = m.intervals["ib"]!
        let points = m.kappas.count * m.seeds.count
        // Backward stability is a bound at every κ (no sampling error) and a flat slope (an interval).
        func stable(_ ci: ConfidenceInterval, _ maxErr: Double) -> Judgement {
            .all([Rate([.upperBelow(0.1)], format: f).judge(ci),
                  Invariant.judge(worst: maxErr / eps, limit: "backward error ≤ 100ε", violations: maxErr <= 100 * eps ? 0 : 1, points: points)])
        }
        return [
            Check("Cholesky backward stability", role: .primary, stable(cbCI, m.cholMaxBackward), rule: "max backward ≤ 100ε and slope CI upper < 0.1",
                  detail: "max \(f(m.cholMaxBackward)) = \(f(m.cholMaxBackward / eps))ε, slope \(cbCI.formatted(f))"),
            Check("Cholesky forward error ∝ κ", role: .primary, Rate([.estimateIn(0.75, 1.15)], format: f).judge(cfCI), rule: "forward slope in [0.75, 1.15]",
                  detail: "slope \(cfCI.formatted(f))"),
            Check("explicit inverse (control)", role: .control, stable(ibCI, m.invMaxBackward), rule: "max backward ≤ 100ε and slope CI upper < 0.1",
                  detail: "max \(f(m.invMaxBackward)) = \(f(m.invMaxBackward / eps))ε, slope \(ibCI.formatted(f))"),
            Check("backward slope in the forward slope's place (control)", role: .control, Rate([.estimateIn(0.75, 1.15)], format: f).judge(cbCI),
                  rule: "forward slope in [0.75, 1.15]", detail: "slope \(cbCI.formatted(f))"),
        ]
    }

    /// Median over seeds at each κ.
    private static func medians(_ m: Measurement, _ runs: [Errors], _ key: KeyPath<Errors, [Double]>) -> [Double] {
        m.kappas.indices.map { i in Descriptive.median(runs.map { $0[keyPath: key][i] }) }
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        let k = m.kappas
        var figure = Figure(title: "Errors of A x = b against κ (median over \(m.seeds.count) seeds, n = \(m.n))",
                            xLabel: "condition number κ", yLabel: "relative error", xScale: .log10, yScale: .log10)
        figure.add(.init("Cholesky backward", record: "cholesky-backward-median", x: k, y: Self.medians(m, m.chol, \.backward)))
        figure.add(.init("Cholesky forward", record: "cholesky-forward-median", x: k, y: Self.medians(m, m.chol, \.forward)))
        figure.add(.init("inverse backward (control)", record: "inverse-backward-median", x: k, y: Self.medians(m, m.inv, \.backward)))
        figure.add(.init("inverse forward", record: "inverse-forward-median", x: k, y: Self.medians(m, m.inv, \.forward), plotted: false))
        figure.add(.init("κ·ε", record: nil, x: k, y: k.map { $0 * Self.eps }, dashed: true))
        let window = [k.first ?? 10, k.last ?? 10]
        let names = [("cb", "Cholesky backward slope"), ("cf", "Cholesky forward slope"), ("ib", "inverse backward slope"), ("if", "inverse forward slope")]
        return ClaimResults(
            seeds: m.seeds,
            fits: names.map { key, name in
                FitRecord(name: name, model: "power-law", window: window, estimate: m.intervals[key]!.estimate, interval: m.intervals[key]!)
            },
            perSeed: names.map { key, name in PerSeedRecord(name: name, seeds: m.seeds, values: m.slopes[key]!) },
            figures: [figure],
            notes: ["backward error = ‖Ax̂ − b‖/(‖A‖‖x̂‖), forward error = ‖x̂ − x‖/‖x‖; ε = \(Self.f(Self.eps))"],
            facts: ["spectrum": "logspace(0, -k)", "norm": "2-norm (= 1)"])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        let f = Self.f
        var report = results.figures[0].render(run.plotStyle) + "\n"
        let c = results.figures[0].curves
        let rows = m.kappas.indices.map { i in [f(m.kappas[i]), f(c[0].y[i]), f(c[1].y[i]), f(c[2].y[i]), f(c[3].y[i])] }
        report += Table(headers: ["κ", "chol backward", "chol forward", "inv backward", "inv forward"], rows: rows).render() + "\n\n"
        let ci = { (key: String) in m.intervals[key]! }
        report += Table(headers: ["fitted log-log slope vs κ", "estimate", "95% t-CI over seeds"], rows: [
            ["Cholesky backward", f(ci("cb").estimate), "[\(f(ci("cb").lower)), \(f(ci("cb").upper))]"],
            ["Cholesky forward", f(ci("cf").estimate), "[\(f(ci("cf").lower)), \(f(ci("cf").upper))]"],
            ["inverse backward (control)", f(ci("ib").estimate), "[\(f(ci("ib").lower)), \(f(ci("ib").upper))]"],
            ["inverse forward", f(ci("if").estimate), "[\(f(ci("if").lower)), \(f(ci("if").upper))]"],
        ]).render() + "\n"
        return report
    }

    /// A = Q diag(logspace(0, −log10 κ)) Qᵀ with Q a Haar-random orthogonal matrix, and a Gaussian x.
    static func instance(n: Int, kappa: Double, stream: RandomStream) throws -> (Matrix, [Double]) {
        let g = try Matrix(rows: n, cols: n, columnMajor: stream.gaussianVector(n * n))
        let q = try SVD(g).u
        let spectrum = Vector.logspace(0, -log10(kappa), count: n)
        var qd = q
        for j in 0..<n { for i in 0..<n { qd[i, j] *= spectrum[j] } }
        var a = try qd.multiplied(by: q, transposeOther: .transpose)
        // Symmetrise exactly: rounding in the product leaves A asymmetric at the ε level.
        for j in 0..<n { for i in (j + 1)..<n { let s = (a[i, j] + a[j, i]) / 2; a[i, j] = s; a[j, i] = s } }
        return (a, stream.gaussianVector(n))
    }
}
