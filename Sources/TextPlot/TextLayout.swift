/// Width-aware string helpers; every glyph we emit (braille, box drawing, markers) is one column wide.
enum TextLayout {
    /// Display columns of uncoloured text.
    static func width(_ text: String) -> Int { text.count }

    /// User text on one line with control characters (newlines, ESC) replaced, so it cannot break the layout or inject escapes.
    static func sanitized(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                result.append(" ")
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Cut to `width` columns, marking the cut with an ellipsis at the end.
    static func truncated(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        if width == 1 { return "…" }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Cut to `width` columns keeping both ends, since layer names differ at their tails.
    static func truncatedMiddle(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        if width < 3 { return truncated(text, to: width) }
        let tail = (width - 1) / 2
        let head = width - 1 - tail
        return String(text.prefix(head)) + "…" + String(text.suffix(tail))
    }

    /// Right-aligned in `width` columns.
    static func padLeft(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// Left-aligned in `width` columns.
    static func padRight(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// Text centred over columns [start, start + span), clipped to `limit` columns overall.
    static func centered(_ text: String, start: Int, span: Int, limit: Int) -> String {
        let clipped = truncated(text, to: limit)
        let offset = max(0, min(start + (span - clipped.count) / 2, limit - clipped.count))
        return String(repeating: " ", count: offset) + clipped
    }

    /// Drops trailing spaces so golden files carry no invisible differences.
    static func trimmedTrailing(_ line: String) -> String {
        var result = Substring(line)
        while result.last == " " { result = result.dropLast() }
        return String(result)
    }

    /// Double → Int without trapping on NaN, infinity or overflow.
    static func clampedInt(_ value: Double, _ lower: Int, _ upper: Int) -> Int {
        guard !value.isNaN, value > Double(lower) else { return lower }
        guard value < Double(upper) else { return upper }
        return Int(value)
    }
}
