import Bilevel
import ClaimKit
import Components
import Foundation
import TextPlot

extension ComplexityTable: CommandRecord {
    /// One line per solver and problem: the table itself.
    var csv: String {
        var out = "solver,problem,proved_exponent,measured_exponent,lower,upper,flag\n"
        func v(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        for r in rows { out += "\(r.solver),\(r.problem),\(v(r.provedExponent)),\(v(r.exponent)),\(v(r.exponentLower)),\(v(r.exponentUpper)),\(r.flag)\n" }
        return out
    }
}

/// The text of `workbench bilevel --complexity`: one plot of the half-window means per problem, then the table.
enum ComplexityReport {
    static func render(_ t: ComplexityTable, style: PlotStyle) -> String {
        let f = { (x: Double) in String(format: "%.2f", x) }
        var text = ""
        for problem in Array(NSOrderedSet(array: t.rows.map(\.problem))) as? [String] ?? [] {
            var plot = LinePlot(title: "\(problem): half-window mean of ‖∇Φ‖² vs oracle calls (seed \(t.seed), first of \(t.seeds) seeds)",
                                xLabel: "oracle calls", yLabel: "half-window mean ‖∇Φ‖²", xScale: .log10, yScale: .log10)
            for r in t.rows where r.problem == problem {
                let keep = r.calls.indices.filter { r.halfWindow[$0] > 0 && r.halfWindow[$0].isFinite }
                if keep.count >= 2 { plot.add(Series(name: r.solver, x: keep.map { r.calls[$0] }, y: keep.map { r.halfWindow[$0] })) }
            }
            text += plot.render(style) + "\n"
        }
        let rows = t.rows.map { r -> [String] in
            let measured: String
            if let e = r.exponent, let lo = r.exponentLower {
                measured = "\(f(e)) [\(f(lo)), \(r.exponentUpper.map(f) ?? "∞")]"
            } else {
                measured = r.flag == "not run" ? "—" : "no decrease"
            }
            return [r.solver, r.problem, r.provedExponent.map(f) ?? "n/a", measured, r.flag, r.note ?? ""]
        }
        text += Table(headers: ["solver", "problem", "proved ε-exp.", "measured ε-exp. [95% CI]", "flag", "note"], rows: rows).render() + "\n"
        text += "Protocol A: budget \(t.budget) oracle calls, fit window [\(Int(t.window[0])), \(Int(t.window[1]))], \(t.seeds) seeds from master seed \(t.seed).\n"
        text += "Flag: \(t.rule).\n"
        return text
    }
}
