/// One named set of (x, y) points drawn as a line or as scattered markers.
public struct Series: Sendable {
    /// Name shown in the legend.
    public var name: String
    /// Horizontal coordinates; paired with `y` by index.
    public var x: [Double]
    /// Vertical coordinates; paired with `x` by index.
    public var y: [Double]
    /// Joined line or separate markers.
    public var kind: Kind
    /// Reference lines (a bound, a fitted rate) are drawn dashed so they read as "not data".
    public var dashed: Bool

    /// How the points of a series are drawn.
    public enum Kind: Sendable, Equatable {
        /// Consecutive finite points are joined.
        case line
        /// Each point gets the series marker.
        case scatter
    }

    /// A series; if `x` and `y` differ in length the extra values are ignored (and noted).
    public init(name: String, x: [Double], y: [Double], kind: Kind = .line, dashed: Bool = false) {
        self.name = name
        self.x = x
        self.y = y
        self.kind = kind
        self.dashed = dashed
    }
}
