import Foundation
import Testing

/// Compares rendered text with a file under Golden/; `UPDATE_GOLDEN=1 swift test` rewrites the files instead.
enum GoldenFile {
    /// The source tree's Golden folder: tests write there when updating, so the bundle copy will not do.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var updating: Bool {
        ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"
    }

    static func check(_ rendered: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name + ".txt")
        let text = rendered + "\n"
        if updating {
            do {
                try text.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("could not write \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden \(name).txt; run with UPDATE_GOLDEN=1 to create it", sourceLocation: sourceLocation)
            return
        }
        if expected != text {
            let got = text.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
            let wantLine = line < want.count ? String(want[line]) : "<end>"
            let gotLine = line < got.count ? String(got[line]) : "<end>"
            Issue.record("""
                \(name).txt differs at line \(line + 1)
                expected: \(wantLine)
                actual:   \(gotLine)
                full output:
                \(rendered)
                """, sourceLocation: sourceLocation)
        }
    }
}
