import Components

/// One axis of a sweep grid: a key and its values, in the order written.
public struct GridAxis: Sendable, Equatable, Codable {
    /// A parameter name (`N`, `seed`, `activation`).
    public let key: String
    /// The values, verbatim as typed (ranges expanded).
    public let values: [String]

    /// An axis.
    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }
}

/// A sweep grid, `key=v1,v2;key2=a..b`: the Cartesian product of its axes.
///
/// Axes are separated by `;`, values by `,`; an item `a..b` with integer ends is the inclusive
/// range a, a+1, …, b. Values are otherwise kept verbatim (no trimming, no quoting rules), so
/// whatever the user typed is what the subcommand receives; `;` and `,` cannot occur inside a value.
public struct Grid: Sendable, Equatable {
    /// The axes, in the order written.
    public let axes: [GridAxis]

    /// The most points a grid may expand to (a Slurm job array is far smaller on most clusters anyway).
    public static let maxPoints = 100_000

    /// A grid of parsed axes.
    public init(axes: [GridAxis]) { self.axes = axes }

    /// Parses grid text; malformed syntax, an empty range, an empty value or a repeated key is bad input.
    public init(parsing text: String) throws(InputError) {
        var axes = [GridAxis]()
        guard !text.isEmpty else { throw InputError("--grid is empty (expected key=v1,v2;key2=a..b)") }
        for part in text.split(separator: ";", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw InputError("--grid: empty axis in '\(Shell.escapeControls(text))' (axes are separated by one ';')") }
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard pieces.count == 2 else { throw InputError("--grid: '\(Shell.escapeControls(String(part)))' is not key=values") }
            let key = pieces[0]
            guard Self.isKey(key) else { throw InputError("--grid: '\(Shell.escapeControls(key))' is not a parameter name") }
            guard !axes.contains(where: { $0.key == key }) else { throw InputError("--grid: '\(key)' appears twice") }
            var values = [String]()
            for item in pieces[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
                guard !item.isEmpty else { throw InputError("--grid: empty value in '\(Shell.escapeControls(String(part)))'") }
                values += try Self.expand(item, key: key)
            }
            axes.append(GridAxis(key: key, values: values))
        }
        var count = 1
        for a in axes {
            count = count.multipliedReportingOverflow(by: a.values.count).partialValue
            guard count <= Self.maxPoints else { throw InputError("--grid expands to more than \(Self.maxPoints) points") }
        }
        self.axes = axes
    }

    /// The keys, in order.
    public var keys: [String] { axes.map(\.key) }

    /// Every point, the last axis varying fastest: each point is one value per axis, in axis order.
    public var points: [[String]] {
        var out: [[String]] = [[]]
        for axis in axes {
            var next = [[String]]()
            next.reserveCapacity(out.count * axis.values.count)
            for prefix in out { for v in axis.values { next.append(prefix + [v]) } }
            out = next
        }
        return out
    }

    /// An `a..b` item with integer ends as its values; anything else as itself.
    static func expand(_ item: String, key: String) throws(InputError) -> [String] {
        guard let r = item.range(of: "..") else { return [item] }
        guard let a = Int(item[..<r.lowerBound]), let b = Int(item[r.upperBound...]) else { return [item] }
        guard a <= b else { throw InputError("--grid: empty range \(item) in \(key)") }
        guard b - a < maxPoints else { throw InputError("--grid: range \(item) in \(key) has more than \(maxPoints) values") }
        return (a...b).map(String.init)
    }

    /// Parameter names: a letter or underscore, then letters, digits, `_`, `-` or `.`.
    static func isKey(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.properties.isAlphabetic || first == "_", first.isASCII else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)) }
    }
}
