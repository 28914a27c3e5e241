/// How much work a run does; parameters may take a different default in each mode.
public enum RunMode: String, Sendable, Codable, CaseIterable {
    /// Small settings for tests.
    case quick
    /// The default: seconds on a laptop.
    case standard
    /// Paper-grade: more seeds, wider ranges.
    case full
}
