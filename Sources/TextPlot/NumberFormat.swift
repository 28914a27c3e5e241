import Foundation

/// Compact number formatting shared by tick labels, bar values and footers.
public enum NumberFormat {
    /// Plain for 1e-3 ≤ |x| < 1e4 ("0.058", "12.5", "400"), otherwise "3.2e4" / "1e-8"; NaN → "nan", ±inf → "inf"/"-inf".
    public static func compact(_ x: Double, significant: Int = 3) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return "0" }
        let digits = clampedDigits(significant)
        let magnitude = abs(x)
        let sign = x < 0 ? "-" : ""
        // The exponent is taken after rounding, so 9999.7 becomes "1e4", not "10000".
        let exponent = decimalExponent(magnitude, significant: digits)
        if isPlainExponent(exponent) {
            return sign + plain(magnitude, decimals: max(0, digits - 1 - exponent))
        }
        return sign + scientific(magnitude, significant: digits)
    }

    /// "10" followed by the exponent in superscript digits, e.g. 10⁻⁸.
    public static func superscriptPower(_ exponent: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var text = exponent < 0 ? "⁻" : ""
        for ch in String(exponent.magnitude) {
            if let d = ch.wholeNumberValue { text.append(digits[d]) }
        }
        return "10" + text
    }

    /// `x` in "m.mmEe" form with trailing zeros dropped, e.g. "3.2e4", "-1e-8".
    static func scientific(_ x: Double, significant: Int) -> String {
        if !x.isFinite || x == 0 { return compact(x) }
        let (mantissa, exponent) = split(abs(x), significant: clampedDigits(significant))
        return (x < 0 ? "-" : "") + mantissa + "e" + String(exponent)
    }

    /// `x` with a fixed number of decimals and trailing zeros dropped; never "-0".
    static func plain(_ x: Double, decimals: Int) -> String {
        if !x.isFinite { return compact(x) }
        let text = trimZeros(String(format: "%.\(min(max(decimals, 0), 20))f", x))
        return text == "-0" ? "0" : text
    }

    /// Power of ten of `x` once rounded to `significant` digits.
    static func decimalExponent(_ x: Double, significant: Int) -> Int {
        split(abs(x), significant: clampedDigits(significant)).exponent
    }

    /// Whether a number of this magnitude reads better written out than in e-notation.
    static func isPlainExponent(_ exponent: Int) -> Bool {
        exponent >= -3 && exponent <= 3
    }

    private static func clampedDigits(_ significant: Int) -> Int {
        min(max(significant, 1), 17)
    }

    /// printf does the rounding so carries (9.996e4 → 1.00e5) come out right.
    private static func split(_ magnitude: Double, significant: Int) -> (mantissa: String, exponent: Int) {
        let text = String(format: "%.\(significant - 1)e", magnitude)
        let parts = text.split(separator: "e", maxSplits: 1)
        guard parts.count == 2, let exponent = Int(parts[1]) else { return (text, 0) }
        return (trimZeros(String(parts[0])), exponent)
    }

    private static func trimZeros(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.last == "0" { result = result.dropLast() }
        if result.last == "." { result = result.dropLast() }
        return String(result)
    }
}
