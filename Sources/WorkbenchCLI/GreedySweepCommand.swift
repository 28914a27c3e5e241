import ArgumentParser
import Components
import Foundation
import GreedySelection
import Statistics
import TextPlot

/// `workbench greedy sweep`: the decay constant of each selector against one instance parameter.
struct GreedySweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Print the decay constant c of each selector against one instance parameter.",
        discussion: """
        The swept key is one of \(DecaySweep.keys.joined(separator: ", ")) (the names of `verify greedy-decay --param`); \
        the others keep their defaults or their --set values. Sweeps report in-sample decay only (no held-out inputs).

        Examples:
          workbench greedy sweep N=100,300,1000,3000
          workbench greedy sweep M=5,10,20 --selectors greedy-linesearch --set seeds=10
          workbench greedy sweep activation=tanh,relu,sigmoid
        """)

    @Argument(help: ArgumentHelp("The key and its values: key=v1,v2,….", valueName: "key=values"))
    var spec: String?

    @OptionGroup var selection: SelectorOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if spec == nil && !selection.listParams { throw ValidationError("name the swept parameter and its values, e.g. N=100,300,1000") }
    }

    func run() throws {
        if selection.listParams { emit(try selection.parameterTable(DecaySweep.parameters)); return }
        let parts = (spec ?? "").split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw InputError("sweep expects key=v1,v2,…, got '\(spec ?? "")'") }
        let key = parts[0]
        let values = parts[1].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !values.contains(where: \.isEmpty) else { throw InputError("sweep \(key): empty value in '\(parts[1])'") }
        let overrides = try selection.overrides()
        let selectors = try ConfiguredSelector.resolve(try selection.types(), settings: overrides, shared: DecaySweep.parameters)
        let names = Set(DecaySweep.parameters.map(\.name))
        let progress = common.progress
        let sweep = try DecaySweep(key: key, values: values, overrides: overrides.filter { names.contains($0.key) }, selectors: selectors,
                                   seed: common.seed) { progress.update($0) }
        progress.finish()

        // The swept key varies, so the record's parameters are the others; the key and its values are a fact.
        var parameters = (sweep.settings.first?.values ?? [:]).filter { $0.key != key }
        parameters.merge(ConfiguredSelector.recorded(selectors)) { a, _ in a }
        var record = GreedyRecord(command: "greedy-sweep", seed: common.seed, parameters: ParameterValues(parameters),
                                  facts: ["sweep": "\(key)=\(values.joined(separator: ","))", "selectors": selectors.map(\.name).joined(separator: ",")])
        record.sweep = sweep.points.map {
            .init(key: key, value: $0.value, method: $0.selector, decayConstant: $0.decayConstant, lower: $0.interval?.lower, upper: $0.interval?.upper)
        }
        try common.emit(record, command: record.command) { Self.report(sweep, selectors.map(\.name), common.plotStyle) + "\n" }
    }

    /// A bar chart of line search's constant (or the only selector's) and the table of every selector's.
    static func report(_ sweep: DecaySweep, _ names: [String], _ style: PlotStyle) -> String {
        let f = { (x: Double) in NumberFormat.compact(x) }
        let barName = names.contains(GreedyLineSearchSelector.name) ? GreedyLineSearchSelector.name : (names.count == 1 ? names[0] : nil)
        var rows = [[String]](), bars = [Double]()
        for v in sweep.values {
            var row = [v]
            for p in sweep.points where p.value == v {
                row.append(p.interval.map { $0.formatted(f) } ?? (p.rates.first.map(f) ?? "—"))
                if p.selector == barName { bars.append(p.decayConstant ?? 0) }
            }
            rows.append(row)
        }
        var out = ""
        if let name = barName, bars.count == sweep.values.count {
            out += BarChart(title: "decay constant c of \(name) against \(sweep.key)", labels: sweep.values.map { "\(sweep.key)=\($0)" },
                            values: bars, valueFormat: f).render(style) + "\n"
        }
        return out + Table(headers: [sweep.key] + names.map { "c: \($0)" }, rows: rows).render()
    }
}
