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
        Solver and problem parameters are set with --set key=value (see --list-params); --target-eps sets batch \
        sizes, loop lengths and Q to the theory's prescription for that ε (--set still wins). A run in which a \
        solver diverges is printed and recorded, then exits with status 1 naming the solver, the oracle call and \
        the quantity.

        Examples:
          workbench bilevel --algo vrbo
          workbench bilevel --algo mrbo,stocbio,vrbo --budget 300000
          workbench bilevel --algo mrbo --set gamma=0.2 --set Q=20 --set dim=50
          workbench bilevel --problem logreg-l2 --algo mrbo,vrbo,aid-cg
          workbench bilevel --problem logreg-l2 --data my.csv --algo vrbo
          workbench bilevel --problem hyper-cleaning --train train.csv --validation val.csv
          workbench bilevel --algo vrbo --target-eps 0.01 --json > vrbo.json
          workbench bilevel --list-params --algo all
        """)

    @Option(help: "Comma-separated solvers, or 'all' (\(SolverCatalog.all.names.joined(separator: ", "))); default mrbo,vrbo,stocbio, or all with --complexity.")
    var algo: String?

    @Option(help: "Problem: \(ProblemCatalog.all.names.joined(separator: ", ")) (default quadratic).")
    var problem: String?

    @Flag(help: "Print the complexity table: Protocol A for every selected solver on quadratic and benchopt-quadratic, the measured ε-exponent with its interval beside the proved one (--set applies to every solver and problem that declares the key, e.g. dim=100).")
    var complexity = false

    @Option(help: "Seeds per solver and problem for --complexity (default 3).")
    var seeds: Int?

    @Option(help: ArgumentHelp("One data set for \(BilevelCommand.dataProblems), split 60/20/20 by the fixed split seed: file.csv (label last), file.libsvm|.svm|.svmlight|.txt, images,labels (IDX), or a shipped name.", valueName: "data"))
    var data: String?

    @Option(help: ArgumentHelp("Your own training file (with --validation; exclusive with --data): used row for row, standardised on itself.", valueName: "file"))
    var train: String?

    @Option(help: ArgumentHelp("Your own validation file (with --train).", valueName: "file"))
    var validation: String?

    @Option(help: "Oracle-call budget per solver (default: \(ProblemCatalog.all.entries.map { "\(NumberFormat.compact(Double($0.defaultBudget))) on \($0.name)" }.joined(separator: ", "))).")
    var budget: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a parameter (repeatable); reaches every selected solver, and the problem, that declares it.", valueName: "key=value"))
    var settings: [String] = []

    @Option(name: .customLong("target-eps"), help: ArgumentHelp("Use the theory-prescribed batch sizes, loop lengths and Q for this ε.", valueName: "ε"))
    var targetEps: Double?

    @Flag(name: .customLong("list-params"), help: "List the parameters of the selected solvers and of the problem, with their defaults, and exit.")
    var listParams = false

    @OptionGroup var common: CommonOptions

    /// The problems that take data, for help and messages.
    static var dataProblems: String { ProblemCatalog.all.entries.filter { $0.defaultData != nil }.map { $0.name }.joined(separator: " and ") }

    func validate() throws {
        if complexity {
            let runOnly = [("--problem", problem != nil), ("--data", data != nil), ("--train", train != nil), ("--validation", validation != nil),
                           ("--target-eps", targetEps != nil), ("--list-params", listParams)]
            if let (flag, _) = runOnly.first(where: { $0.1 }) {
                throw ValidationError("--complexity runs every selected solver with its defaults (and any --set) on \(ComplexityTable.problems.map { $0.name }.joined(separator: " and ")); it takes no \(flag)")
            }
            if let s = seeds, s < 2 || s > 100 { throw ValidationError("--seeds must be in 2...100, got \(s)") }
            if let b = budget, b < 1000 { throw ValidationError("--budget for --complexity must be at least 1000, got \(b)") }
        } else if seeds != nil {
            throw ValidationError("--seeds applies only to --complexity")
        }
        if let b = budget, b < 1 || b > 10_000_000_000 { throw ValidationError("--budget must be in 1...10^10, got \(b)") }
        if data != nil && (train != nil || validation != nil) { throw ValidationError("--data and --train/--validation are exclusive") }
        if (train == nil) != (validation == nil) { throw ValidationError("--train and --validation go together") }
        if listParams {
            let runOnly = [("--budget", budget != nil), ("--set", !settings.isEmpty), ("--target-eps", targetEps != nil), ("--data", data != nil),
                           ("--train", train != nil), ("--json", common.json), ("--csv", common.csv)]
            if let (flag, _) = runOnly.first(where: { $0.1 }) { throw ValidationError("--list-params takes only --algo and --problem, not \(flag)") }
        }
    }

    var dataChoice: DataChoice {
        if let train, let validation { return .own(train: train, validation: validation) }
        if let data { return .dataset(data) }
        return .shipped
    }

    func run() throws {
        if complexity {
            let table = try ComplexityTable.run(solvers: try SolverCatalog.all.list(algo ?? "all"), problems: ComplexityTable.problems,
                                                seeds: seeds ?? 3, budget: budget ?? 1_000_000, seed: common.seed,
                                                overrides: try Settings.parse(settings, flag: "--set"), progress: common.progress)
            try common.emit(table, command: "bilevel", divergences: table.divergences) { ComplexityReport.render(table, style: common.plotStyle) }
            return
        }
        let algo = self.algo ?? "mrbo,vrbo,stocbio"
        let solvers = try SolverCatalog.all.list(algo)
        let problemType = try ProblemCatalog.all.named((problem ?? "quadratic").trimmingCharacters(in: .whitespaces))
        if listParams {
            WorkbenchCLI.emit(Self.parameterListing(solvers, problemType))
            return
        }
        let result = try Comparison.run(problem: problemType, data: dataChoice, solvers: solvers, overrides: try Settings.parse(settings, flag: "--set"),
                                        targetEpsilon: targetEps, budget: budget, seed: common.seed,
                                        skipUnsupported: algo.trimmingCharacters(in: .whitespaces) == "all", progress: common.progress)
        try common.emit(result, command: "bilevel", divergences: result.divergences) { report(result) }
    }

    /// `--list-params`: every parameter of the selected solvers and of the problem, from their declarations.
    static func parameterListing(_ solvers: [any BilevelSolver.Type], _ problemType: any BilevelProblemType.Type) -> String {
        func table(_ parameters: [Parameter]) -> String {
            TextTable.render(headers: ["parameter", "domain", "default", "meaning"],
                             rows: parameters.map { [$0.name, $0.domain.summary, $0.defaultSummary, $0.help] })
        }
        var text = ""
        for t in solvers {
            text += "\(t.name) — \(t.summary)\n" + table(t.parameters) + "\n"
        }
        text += "problem \(problemType.name) — \(problemType.summary)\n"
        text += problemType.parameters.isEmpty ? "(no parameters)\n" : table(problemType.parameters)
        let scales = ProblemCatalog.all.entries.map { "\(NumberFormat.compact($0.upperStepScale)) on \($0.name)" }.joined(separator: ", ")
        text += "\nderived defaults: L = the problem's bound on the lower level's smoothness ‖∇²_y g‖ at the start, μ = its strong-convexity bound, "
            + "s = its x-step scale (\(scales)), n = its training rows; the values in force are in the record's parameters.\n"
        return text
    }

    /// Plot, final figures, oracle counts, the instance and its data.
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
             r.diverged ? "DIVERGED" : f(r.values.last ?? .nan), r.finalGradNormSq.map(f) ?? "—", r.finalValue.map(f) ?? "—",
             r.gapToOptimum.map { String(format: "%.3g", $0) } ?? "—", String(format: "%.2f", r.seconds)]
        }
        text += Table(headers: ["algorithm", "iterations", "oracle calls", "∇_yG", "∇ₓF", "∇_yF", "HVP", "JVP",
                                c.metric == .gradientNormSquared ? "final ‖∇Φ‖²" : "final val. loss", "exact ‖∇Φ‖²", "Φ", "gap to Φ*", "seconds"], rows: rows).render() + "\n"
        if let o = c.optimum {
            text += "Φ* = \(String(format: "%.10g", o.value)) (exact reference: L-BFGS on Φ with exact inner and linear solves from the common start, "
                + "‖∇Φ(x*)‖² = \(String(format: "%.2g", o.gradNormSq)), \(o.iterations) steps); gap to Φ* = Φ(x_final) − Φ*, "
                + "0 at the reference's local minimum, negative when a solver found a lower one\n"
        } else {
            text += "gap to Φ*: not computed on \(c.problem) (the exact reference needs a dense lower Hessian of at most 1000 rows)\n"
        }
        text += "\n" + Table(headers: ["instance", ""], rows: c.instance.keys.sorted().map { [$0, c.instance[$0] ?? ""] }).render() + "\n"
        for d in c.data {
            let digest = d.sha256.map { ", sha256 \($0.prefix(16))…" } ?? ""
            text += "data \(d.role): \(d.source) (\(d.rows) rows, \(d.features) features, \(d.classes) classes\(digest))\n"
        }
        if let policy = c.dataPolicy { text += "data policy: \(policy)\n" }
        for name in c.skipped {
            text += "not run on \(c.problem): \(name) \(c.skippedReasons[name] ?? "cannot run here")\n"
        }
        if let e = c.targetEpsilon { text += "parameters prescribed for target ε = \(f(e)) (see --json for the values in force)\n" }
        for d in c.divergences {
            text += "\(d.component) DIVERGED at \(d.step) \(d.unit): \(d.quantity) = \(f(d.value)) (stopped when x or y left the finite range or the metric grew 10¹⁰-fold)\n"
        }
        return text
    }

    static var finiteSumProblems: String { ProblemCatalog.all.entries.filter { $0.isFiniteSum }.map { $0.name }.joined(separator: ", ") }
}

extension Comparison: CommandRecord {
    /// Every recorded point of every trajectory.
    var csv: String {
        var out = "algorithm,problem,metric,oracle_calls,value\n"
        for r in runs {
            for i in r.calls.indices { out += "\(r.algorithm),\(r.problem),\(r.metric.rawValue),\(Int(r.calls[i])),\(r.values[i])\n" }
        }
        return out
    }
}
