import Components
import Foundation
import TextPlot

/// The merged record as text (tables and plots) and as CSV.
public enum SweepReport {
    /// Per figure: a table of every grid point's mean and interval, and a plot of the mean against `by`.
    /// - Parameter offered: the figures the records offer, listed when no figure was asked for.
    public static func text(_ r: SweepRecord, style: PlotStyle, offered: [String] = []) -> String {
        let f = { (x: Double) in NumberFormat.compact(x, significant: 4) }
        let keys = r.grid.map(\.key).filter { $0 != r.replicate }
        let over = r.replicate.map { "over \($0) \(r.grid.first { $0.key == r.replicate }?.values.joined(separator: ",") ?? "")" } ?? "(no replicate axis)"
        var out = "sweep: \(Shell.display(r.command)) — \(r.runs.count) runs: \(r.grid.map { "\($0.key)=\(display($0.values))" }.joined(separator: " × "))\n"
        if r.figures.isEmpty {
            out += "no --figure given: name one to summarise it over the grid" + (offered.isEmpty ? "" : " (figures in the records: \(offered.prefix(30).joined(separator: ", ")))") + "\n"
        }
        for (j, figure) in r.figures.enumerated() {
            var rows = [[String]]()
            for p in r.points {
                let s = p.figures[j]
                let ci = (s.lower != nil && s.upper != nil) ? "[\(f(s.lower ?? .nan)), \(f(s.upper ?? .nan))]" : "—"
                rows.append(keys.map { p.point.values[$0].map { Shell.escapeControls($0.description) } ?? "" } + [String(s.n), s.mean.map(f) ?? "—", ci])
            }
            out += "\n\(figure): mean and 95% t-interval \(over)\n"
            out += Table(headers: keys + ["n", "mean", "95% t-interval"], rows: rows).render() + "\n"
            if let plot = plot(r, figure: j, style: style) { out += "\n" + plot }
        }
        return out
    }

    /// The plot of figure `j`'s mean against `by`, one line per combination of the other axes; nil without a `by` axis.
    static func plot(_ r: SweepRecord, figure j: Int, style: PlotStyle) -> String? {
        guard let by = r.by else { return nil }
        let others = r.grid.map(\.key).filter { $0 != r.replicate && $0 != by }
        let byValues = r.grid.first { $0.key == by }?.values ?? []
        let numeric = byValues.allSatisfy { Double($0).map(\.isFinite) ?? false }
        let xOf = { (v: String) -> Double in numeric ? (Double(v) ?? .nan) : Double((byValues.firstIndex(of: v) ?? 0) + 1) }
        let xs = byValues.map(xOf)
        let logX = numeric && (xs.min() ?? 0) > 0 && (xs.max() ?? 0) / (xs.min() ?? 1) >= 100
        var lines = [(name: String, x: [Double], y: [Double], lo: [Double], hi: [Double])]()
        for p in r.points {
            let name = others.map { "\($0)=\(Shell.escapeControls(p.point.values[$0]?.description ?? ""))" }.joined(separator: " ")
            let s = p.figures[j]
            guard let v = p.point.values[by]?.description, let mean = s.mean else { continue }
            if let i = lines.firstIndex(where: { $0.name == name }) {
                lines[i].x.append(xOf(v)); lines[i].y.append(mean)
                lines[i].lo.append(s.lower ?? mean); lines[i].hi.append(s.upper ?? mean)
            } else {
                lines.append((name, [xOf(v)], [mean], [s.lower ?? mean], [s.upper ?? mean]))
            }
        }
        guard !lines.isEmpty else { return nil }
        let figure = r.figures[j]
        if !numeric && lines.count == 1 {
            return BarChart(title: "\(figure) against \(by) (mean\(r.replicate.map { " over \($0)" } ?? ""))",
                            labels: byValues.map { "\(by)=\(Shell.escapeControls($0))" }, values: lines[0].y,
                            valueFormat: { NumberFormat.compact($0, significant: 4) }).render(style) + "\n"
        }
        var plot = LinePlot(title: "\(figure) against \(by) (mean\(r.replicate.map { " over \($0)" } ?? "")\(lines.count == 1 && r.replicate != nil ? "; dashed: 95% t-interval" : ""))",
                            xLabel: numeric ? by : "\(by) (1 = \(Shell.escapeControls(byValues.first ?? "")), …)", yLabel: figure,
                            xScale: logX ? .log10 : .linear, yScale: .linear)
        for l in lines {
            plot.add(Series(name: l.name.isEmpty ? figure : l.name, x: l.x, y: l.y))
            if lines.count == 1 && r.replicate != nil {
                plot.add(Series(name: "95% lower", x: l.x, y: l.lo, dashed: true))
                plot.add(Series(name: "95% upper", x: l.x, y: l.hi, dashed: true))
            }
        }
        return plot.render(style) + "\n"
    }

    /// `--csv`: one row per grid point and figure: the axes, then figure, n, mean, lower, upper (full precision).
    public static func csv(_ r: SweepRecord) -> String {
        let keys = r.grid.map(\.key).filter { $0 != r.replicate }
        var out = (keys + ["figure", "n", "mean", "lower", "upper"]).map(CSV.field).joined(separator: ",") + "\n"
        for p in r.points {
            for s in p.figures {
                let number = { (x: Double?) -> String in x.map { "\($0)" } ?? "" }
                let axes: [String] = keys.map { p.point.values[$0]?.description ?? "" }
                let cells: [String] = axes + [s.figure, String(s.n), number(s.mean), number(s.lower), number(s.upper)]
                out += cells.map(CSV.field).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    private static func display(_ values: [String]) -> String {
        values.count > 6 ? "\(values.prefix(3).map(Shell.escapeControls).joined(separator: ",")),…,\(Shell.escapeControls(values.last ?? ""))"
            : values.map(Shell.escapeControls).joined(separator: ",")
    }
}

/// RFC 4180 fields.
enum CSV {
    /// The field, quoted when it holds a comma, a quote or a line break.
    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

/// Quoting for the shell: used only to display commands and to put the executable and manifest paths into job scripts.
public enum Shell {
    /// `s` as one POSIX shell word: unchanged when it holds only safe characters, else in single quotes
    /// (a single quote inside becomes `'\''`); any byte sequence round-trips, newlines included.
    public static func quote(_ s: String) -> String {
        let safe = s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-./=:,+@%".unicodeScalars.contains($0)) }
        if safe && !s.isEmpty { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A command line for display: each word quoted, control characters escaped so it stays one line.
    public static func display(_ words: [String]) -> String { words.map { escapeControls(quote($0)) }.joined(separator: " ") }

    /// Newlines, tabs and other control characters as escapes (`\n`), so a value prints on one line.
    public static func escapeControls(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: if u.value < 0x20 || u.value == 0x7f { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
