import Components
import Foundation

/// The anchors' figures of this run, read from the `name unit value` lines the `bench/*.py` scripts print.
struct Anchors {
    /// Values keyed by "name unit", e.g. "greedy-linesearch steps_per_s".
    var figures: [String: Double] = [:]
    /// Why there are no anchor figures (nil when they were read).
    var missing: String?

    /// No anchors this run, for the reason given.
    init(missing reason: String) { missing = reason }

    /// Reads `path`; a line that is not `name unit number` is a bad file, not a missing figure.
    init(path: String) throws(InputError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw InputError("cannot read the anchors file \(path): \(error.localizedDescription)") }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(separator: " ")
            if fields.isEmpty { continue }
            guard fields.count == 3, let value = Double(fields[2]) else {
                throw InputError("anchors file \(path), line \(number + 1): expected `name unit value`, got \"\(line)\"")
            }
            figures["\(fields[0]) \(fields[1])"] = value
        }
    }

    subscript(_ name: String, _ unit: String) -> Double? { figures["\(name) \(unit)"] }
}
