/// Strict parsing of numeric cells, shared by the text loaders.
enum NumberSyntax {
    /// What a cell turned out to be.
    enum Parsed: Equatable {
        case finite(Double)
        case nonFinite
        case notANumber
        case empty
    }

    /// Parses a trimmed cell as a finite decimal number.
    ///
    /// Swift's `Double(_:)` also accepts hexadecimal floats, "nan" and "inf"; data files should
    /// not carry those, so only decimal syntax is allowed and non-finite values are named as such.
    static func parse<S: StringProtocol>(_ cell: S) -> Parsed {
        if cell.isEmpty { return .empty }
        var decimalOnly = true
        for u in cell.utf8 {
            switch u {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
                 UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                continue
            default:
                decimalOnly = false
            }
        }
        if !decimalOnly {
            let lower = cell.lowercased()
            let unsigned = lower.hasPrefix("+") || lower.hasPrefix("-") ? String(lower.dropFirst()) : lower
            return ["nan", "inf", "infinity"].contains(unsigned) ? .nonFinite : .notANumber
        }
        guard let value = Double(cell) else { return .notANumber }
        // Overflow such as "1e999" parses to infinity.
        return value.isFinite ? .finite(value) : .nonFinite
    }

    /// Parses a cell as an integer label; integral decimals such as "3.0" count (pandas writes those).
    static func integer<S: StringProtocol>(_ cell: S) -> Int? {
        if let i = Int(cell) { return i }
        guard case .finite(let v) = parse(cell), v == v.rounded(), abs(v) <= 9_007_199_254_740_992 else { return nil }
        return Int(v)
    }

    /// The message for a cell that is not a finite number.
    static func complaint<S: StringProtocol>(_ cell: S, _ parsed: Parsed) -> String {
        switch parsed {
        case .empty: return "empty cell"
        case .nonFinite: return "\(quoted(cell)) is not a finite number"
        case .notANumber, .finite: return "\(quoted(cell)) is not a number"
        }
    }
}
