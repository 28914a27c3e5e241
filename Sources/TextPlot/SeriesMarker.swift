/// Glyphs that tell series apart when colour is off: point markers and legend samples.
enum SeriesMarker {
    private static let unicode: [Character] = ["●", "■", "▲", "◆", "○", "□", "△", "◇"]
    private static let asciiSolid: [Character] = ["*", "+", "o", "x", "#", "@", "%", "&"]
    // Dashed ASCII lines get their own set so a ':' pattern always means "reference line".
    private static let asciiDashed: [Character] = [":", "~", "=", ";"]

    /// Marker for a series; `ordinal` counts series of the same dash style in ASCII mode.
    static func glyph(seriesIndex: Int, dashedOrdinal: Int, solidOrdinal: Int, dashed: Bool, ascii: Bool) -> Character {
        if ascii {
            return dashed
                ? asciiDashed[dashedOrdinal % asciiDashed.count]
                : asciiSolid[solidOrdinal % asciiSolid.count]
        }
        return unicode[seriesIndex % unicode.count]
    }

    /// Three-column legend sample mirroring how the series is drawn.
    static func legendSample(kind: Series.Kind, dashed: Bool, marked: Bool, glyph: Character, ascii: Bool) -> String {
        let g = String(glyph)
        if ascii {
            switch kind {
            case .scatter: return " \(g) "
            case .line: return dashed ? "\(g) \(g)" : "\(g)\(g)\(g)"
            }
        }
        switch kind {
        case .scatter: return " \(g) "
        case .line:
            let stroke = dashed ? "╌" : "─"
            return stroke + (marked ? g : stroke) + stroke
        }
    }
}
