import ArgumentParser
import Bilevel
import ClaimKit
import Components
import Foundation
import TextPlot

/// `workbench bilevel`: run bilevel solvers on one problem and compare them against oracle calls.
struct BilevelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bilevel",
        abstract: "Run bilevel solvers (MRBO, VRBO, stocBiO, …) and plot ‖∇Φ‖² or validation loss against oracle calls.",
        discussion: """
        Every solver starts from the same point with the same budget of oracle calls (one per-sample gradient, \
        Hessian-vector or Jacobian-vector product each). On quadratic the plot shows the exact ‖∇Φ(x_k)‖²; on the \
        real problems (logreg-l2: per-feature L2 regularisation on the breast-cancer table; hyper-cleaning: \
        per-sample weights on the digits with 30% corrupted labels) it shows the validation loss f(x_k, y_k).
        Solver parameters are set with --set key=value (see --list-params); --target-eps sets batch sizes, loop \
        lengths and Q to the theory's prescription for that ε.

        Examples:
          workbench bilevel --algo vrbo
          workbench bilevel --algo mrbo,stocbio,vrbo --budget 300000
          workbench bilevel --algo mrbo --set gamma=0.2 --set Q=20
          workbench bilevel --problem logreg-l2 --algo mrbo,vrbo,aid-cg
          workbench bilevel --problem logreg-l2 --data my.csv --algo vrbo
          workbench bilevel --algo vrbo --target-eps 0.01 --json > vrbo.json
          workbench bilevel --list-params --algo all
        """)

    @Option(help: "Comma-separated algorithms, or 'all' (\(SolverCatalog.names.joined(separator: ", "))).")
    var algo = "mrbo,vrbo,stocbio"

    @Option(help: "Problem: \(ProblemCatalog.names.joined(separator: ", ")).")
    var problem = "quadratic"

    @Option(help: ArgumentHelp("Data file for logreg-l2 / hyper-cleaning: CSV (label in the last column) or LIBSVM (.libsvm/.svm).", valueName: "file"))
    var data: String?

    @Option(help: "Oracle-call budget per algorithm (default: 10⁶ on quadratic, 3·10⁵ on logreg-l2, 10⁵ on hyper-cleaning).")
    var budget: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a solver parameter (repeatable); applies to every selected algorithm that has it.", valueName: "key=value"))
    var settings: [String] = []

    @Option(name: .customLong("target-eps"), help: ArgumentHelp("Use the theory-prescribed batch sizes, loop lengths and Q for this ε.", valueName: "ε"))
    var targetEps: Double?

    @Option(help: "Dimension of x and y for the quadratic problem.")
    var dim = 10

    @Flag(name: .customLong("list-params"), help: "List the parameters of the selected algorithms with their defaults and exit.")
    var listParams = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let b = budget, b < 1 || b > 10_000_000_000 { throw ValidationError("--budget must be in 1...10^10, got \(b)") }
        guard (1...5000).contains(dim) else { throw ValidationError("--dim must be in 1...5000, got \(dim)") }
    }

    var algorithms: [String] { algo == "all" ? SolverCatalog.names : algo.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    /// "key=value" pairs to numbers; malformed, repeated or non-numeric entries are bad input.
    static func parseSettings(_ raw: [String]) throws -> [String: Double] {
        var out = [String: Double]()
        for s in raw {
            let parts = s.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw BilevelError.invalidOption("--set expects key=value, got '\(s)'") }
            guard let v = Double(parts[1]), v.isFinite else { throw BilevelError.invalidOption("--set \(parts[0]): '\(parts[1])' is not a finite number") }
            guard out[parts[0]] == nil else { throw BilevelError.invalidOption("--set \(parts[0]) given twice") }
            out[parts[0]] = v
        }
        return out
    }

    func run() throws {
        let names = algorithms
        if listParams {
            var text = ""
            for n in names {
                let t = try SolverCatalog.type(named: n)
                text += "\(t.name) — \(t.summary)\n"
                text += TextTable.render(headers: ["parameter", "default", "meaning"],
                                         rows: t.parameters.map { [$0.name, $0.defaultValue == 0 ? "(problem)" : NumberFormat.compact($0.defaultValue), $0.help] })
                text += "\n"
            }
            emit(text)
            return
        }
        var quad = QuadraticProblem.Configuration()
        quad.xDimension = dim
        quad.yDimension = dim
        let progress = common.progress
        let result = try Comparison.run(problem: problem, dataPath: data, algorithms: names, overrides: try Self.parseSettings(settings),
                                        targetEpsilon: targetEps, budget: budget, seed: common.seed, quadratic: quad,
                                        skipUnsupported: algo == "all") { progress.update($0) }
        progress.finish()
        if common.json {
            emit(String(decoding: try JSONOutput.encode(result), as: UTF8.self))
        } else if common.csv {
            var out = "algorithm,problem,metric,oracle_calls,value\n"
            for r in result.runs {
                for i in r.calls.indices { out += "\(r.algorithm),\(r.problem),\(r.metric.rawValue),\(Int(r.calls[i])),\(r.values[i])\n" }
            }
            emit(out)
        } else {
            emit(report(result))
        }
    }

    /// Plot, final figures, oracle counts and the instance.
    func report(_ c: Comparison) -> String {
        let f = { (x: Double) in NumberFormat.compact(x) }
        let metricName = c.metric == .gradientNormSquared ? "exact ‖∇Φ(x_k)‖²" : "validation loss f(x_k, y_k)"
        var plot = LinePlot(title: "\(c.problem): \(metricName) vs oracle calls (seed \(c.seed))", xLabel: "oracle calls", yLabel: metricName,
                            xScale: .log10, yScale: .log10)
        for r in c.runs {
            let keep = r.calls.indices.filter { r.calls[$0] > 0 && r.values[$0] > 0 && r.values[$0].isFinite }
            if keep.isEmpty { continue }
            plot.add(Series(name: r.algorithm, x: keep.map { r.calls[$0] }, y: keep.map { r.values[$0] }))
        }
        var text = plot.render(common.plotStyle) + "\n"
        let rows = c.runs.map { r -> [String] in
            [r.algorithm, String(r.iterations), f(Double(r.counts.total)),
             f(Double(r.counts.gradYG)), f(Double(r.counts.gradXF)), f(Double(r.counts.gradYF)), f(Double(r.counts.hessianVector)), f(Double(r.counts.jacobianVector)),
             r.diverged ? "DIVERGED" : f(r.values.last ?? .nan), r.finalGradNormSq.map(f) ?? "—", r.finalValue.map(f) ?? "—", String(format: "%.2f", r.seconds)]
        }
        text += Table(headers: ["algorithm", "iterations", "oracle calls", "∇_yG", "∇ₓF", "∇_yF", "HVP", "JVP",
                                c.metric == .gradientNormSquared ? "final ‖∇Φ‖²" : "final val. loss", "exact ‖∇Φ‖²", "Φ", "seconds"], rows: rows).render()
        text += "\n" + Table(headers: ["instance", ""], rows: c.instance.keys.sorted().map { [$0, c.instance[$0] ?? ""] }).render()
        if !c.skipped.isEmpty {
            text += "\nnot run on \(c.problem): \(c.skipped.joined(separator: ", ")) (needs a finite-sum problem: logreg-l2 or hyper-cleaning)\n"
        }
        if let e = c.targetEpsilon { text += "parameters prescribed for target ε = \(f(e)) (see --json for the values in force)\n" }
        if c.runs.contains(where: \.diverged) { text += "note: a diverged run was stopped when its iterates left the finite range (or grew 10¹⁰-fold)\n" }
        return text
    }
}
