import Foundation

/// Progress lines on stderr for long runs: only on a TTY, and never with `--quiet`.
public struct ProgressReporter: Sendable {
    private let enabled: Bool

    /// A reporter that prints nothing.
    public static let silent = ProgressReporter(enabled: false)

    /// Enabled when stderr is a terminal and the user did not ask for quiet.
    public static func terminal(quiet: Bool) -> ProgressReporter {
        ProgressReporter(enabled: !quiet && isatty(STDERR_FILENO) != 0)
    }

    private init(enabled: Bool) { self.enabled = enabled }

    /// Overwrites the current status line.
    public func update(_ message: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(message)".utf8))
    }

    /// Clears the status line.
    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
