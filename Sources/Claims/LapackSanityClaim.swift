import ClaimKit
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
    public let rule = "Cholesky backward error ≤ 100ε at every κ and its log-log slope against κ has 95% CI upper end < 0.1; forward-error slope in [0.75, 1.15]"
    public let negativeControl = "solving through the explicit inverse x = A⁻¹b must fail the backward-stability rule"
    public let parameters = [
        ParameterSpec("n", default: "100", "matrix order"),
        ParameterSpec("kmax", default: "12", "largest log10 condition number (κ = 10^1 … 10^kmax)"),
        ParameterSpec("seeds", default: "5", "independent matrices per κ (quick: 3, full: 10)"),
    ]

    /// Per-κ errors of one solver on one seed.
    struct Errors {
        var backward: [Double] = []
        var forward: [Double] = []
    }

    public func run(_ context: ClaimContext) throws -> ClaimResult {
        let n = try context.int("n", default: context.mode == .quick ? 60 : 100, in: 4...1000)
        let kmax = try context.int("kmax", default: 12, in: 3...15)
        let defaultSeeds = context.mode == .quick ? 3 : (context.mode == .full ? 10 : 5)
        let seedCount = try context.int("seeds", default: defaultSeeds, in: 2...100)
        let kappas = (1...kmax).map { pow(10, Double($0)) }
        let master = RandomStream(seed: context.seed)
        let seeds = (0..<seedCount).map { master.split($0).seed }

        var chol = [Errors](), inv = [Errors]()
        for (s, seed) in seeds.enumerated() {
            context.progress.update("lapack-sanity: seed \(s + 1)/\(seedCount)")
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
        let cb = try slopes(chol, \.backward), cf = try slopes(chol, \.forward)
        let ib = try slopes(inv, \.backward), iff = try slopes(inv, \.forward)
        let cbCI = try ConfidenceInterval(tOver: cb), cfCI = try ConfidenceInterval(tOver: cf)
        let ibCI = try ConfidenceInterval(tOver: ib), ifCI = try ConfidenceInterval(tOver: iff)
        let eps = Double.ulpOfOne
        let cholMaxBackward = chol.flatMap(\.backward).max() ?? .nan
        let invMaxBackward = inv.flatMap(\.backward).max() ?? .nan

        func stable(_ ci: ConfidenceInterval, _ maxErr: Double) -> Bool { ci.upper < 0.1 && maxErr <= 100 * eps }
        let f = { (x: Double) in NumberFormat.compact(x) }
        let checks = [
            Check("Cholesky backward stability", role: .primary, rule: "max backward ≤ 100ε and slope CI upper < 0.1",
                  satisfied: stable(cbCI, cholMaxBackward),
                  detail: "max \(f(cholMaxBackward)) = \(f(cholMaxBackward / eps))ε, slope \(cbCI.formatted(f))"),
            Check("Cholesky forward error ∝ κ", role: .primary, rule: "forward slope in [0.75, 1.15]",
                  satisfied: (0.75...1.15).contains(cfCI.estimate), detail: "slope \(cfCI.formatted(f))"),
            Check("explicit inverse (control)", role: .control, rule: "max backward ≤ 100ε and slope CI upper < 0.1",
                  satisfied: stable(ibCI, invMaxBackward),
                  detail: "max \(f(invMaxBackward)) = \(f(invMaxBackward / eps))ε, slope \(ibCI.formatted(f))"),
        ]

        let medians = { (runs: [Errors], key: KeyPath<Errors, [Double]>) in
            kappas.indices.map { i in Descriptive.median(runs.map { $0[keyPath: key][i] }) }
        }
        let mcb = medians(chol, \.backward), mcf = medians(chol, \.forward)
        let mib = medians(inv, \.backward), mif = medians(inv, \.forward)

        var plot = LinePlot(title: "Errors of A x = b against κ (median over \(seedCount) seeds, n = \(n))",
                            xLabel: "condition number κ", yLabel: "relative error", xScale: .log10, yScale: .log10)
        plot.add(Series(name: "Cholesky backward", x: kappas, y: mcb, kind: .line))
        plot.add(Series(name: "Cholesky forward", x: kappas, y: mcf, kind: .line))
        plot.add(Series(name: "inverse backward (control)", x: kappas, y: mib, kind: .line))
        plot.add(Series(name: "κ·ε", x: kappas, y: kappas.map { $0 * eps }, kind: .line, dashed: true))

        var report = plot.render(context.plotStyle) + "\n"
        let rows = kappas.indices.map { i in [f(kappas[i]), f(mcb[i]), f(mcf[i]), f(mib[i]), f(mif[i])] }
        report += Table(headers: ["κ", "chol backward", "chol forward", "inv backward", "inv forward"], rows: rows).render() + "\n\n"
        report += Table(headers: ["fitted log-log slope vs κ", "estimate", "95% t-CI over seeds"], rows: [
            ["Cholesky backward", f(cbCI.estimate), "[\(f(cbCI.lower)), \(f(cbCI.upper))]"],
            ["Cholesky forward", f(cfCI.estimate), "[\(f(cfCI.lower)), \(f(cfCI.upper))]"],
            ["inverse backward (control)", f(ibCI.estimate), "[\(f(ibCI.lower)), \(f(ibCI.upper))]"],
            ["inverse forward", f(ifCI.estimate), "[\(f(ifCI.lower)), \(f(ifCI.upper))]"],
        ]).render() + "\n"

        let window = [kappas.first ?? 10, kappas.last ?? 10]
        let record = ClaimRecord(
            claim: self, context: context, seeds: seeds,
            parameters: ["n": String(n), "kmax": String(kmax), "seeds": String(seedCount), "spectrum": "logspace(0, -k)", "norm": "2-norm (= 1)"],
            checks: checks,
            fits: [
                FitRecord(name: "Cholesky backward slope", model: "power-law", window: window, estimate: cbCI.estimate, interval: cbCI),
                FitRecord(name: "Cholesky forward slope", model: "power-law", window: window, estimate: cfCI.estimate, interval: cfCI),
                FitRecord(name: "inverse backward slope", model: "power-law", window: window, estimate: ibCI.estimate, interval: ibCI),
                FitRecord(name: "inverse forward slope", model: "power-law", window: window, estimate: ifCI.estimate, interval: ifCI),
            ],
            perSeed: [
                PerSeedRecord(name: "Cholesky backward slope", seeds: seeds, values: cb),
                PerSeedRecord(name: "Cholesky forward slope", seeds: seeds, values: cf),
                PerSeedRecord(name: "inverse backward slope", seeds: seeds, values: ib),
                PerSeedRecord(name: "inverse forward slope", seeds: seeds, values: iff),
            ],
            series: [
                SeriesRecord(name: "cholesky-backward-median", x: kappas, y: mcb),
                SeriesRecord(name: "cholesky-forward-median", x: kappas, y: mcf),
                SeriesRecord(name: "inverse-backward-median", x: kappas, y: mib),
                SeriesRecord(name: "inverse-forward-median", x: kappas, y: mif),
            ],
            notes: ["backward error = ‖Ax̂ − b‖/(‖A‖‖x̂‖), forward error = ‖x̂ − x‖/‖x‖; ε = \(f(eps))"])
        return ClaimResult(record: record, report: report)
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
