/// The series colour palette, written as ANSI SGR escapes only when a style asks for colour.
enum ANSIColor {
    /// Blue, red, green, magenta, cyan, yellow: distinguishable on dark and light backgrounds.
    private static let codes = [34, 31, 32, 35, 36, 33]

    /// `text` wrapped in the colour for series `index`; unchanged when colour is off or there is no owner.
    static func paint(_ text: String, seriesIndex index: Int?, enabled: Bool) -> String {
        guard enabled, let index, index >= 0, !text.isEmpty else { return text }
        let code = codes[index % codes.count]
        return "\u{1B}[\(code)m" + text + "\u{1B}[0m"
    }
}
