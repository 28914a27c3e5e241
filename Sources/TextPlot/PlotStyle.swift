import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a plot is drawn: plot-area size in character cells, braille or ASCII, colour or not.
public struct PlotStyle: Sendable, Equatable {
    /// Plot-area columns; the default leaves room for tick labels within 80 columns.
    public var width: Int
    /// Plot-area rows.
    public var height: Int
    /// Plain ASCII instead of the braille canvas (for logs, CI and fonts without braille).
    public var ascii: Bool
    /// Emit ANSI colour escapes.
    public var color: Bool

    /// A style with explicit settings; out-of-range sizes are clamped when rendering.
    public init(width: Int = 60, height: Int = 15, ascii: Bool = false, color: Bool = false) {
        self.width = width
        self.height = height
        self.ascii = ascii
        self.color = color
    }

    /// Colour only when stdout is a TTY and NO_COLOR is unset (and not ascii).
    public static func forTerminal(ascii: Bool, width: Int = 60, height: Int = 15) -> PlotStyle {
        // no-color.org: an empty NO_COLOR counts as unset.
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let tty = isatty(STDOUT_FILENO) != 0
        return PlotStyle(width: width, height: height, ascii: ascii, color: tty && !noColor && !ascii)
    }

    /// Width actually used: huge values would allocate absurd canvases, tiny ones leave no room for ticks.
    var columns: Int { min(max(width, 8), 1000) }

    /// Height actually used, clamped for the same reasons as `columns`.
    var rows: Int { min(max(height, 2), 500) }
}
