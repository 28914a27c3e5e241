import Datasets
import Foundation

/// Paths to the repository's data/ folder and scratch files for loader tests.
enum TestFiles {
    /// The repository root, found from this file's location (Tests/DatasetsTests/…).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A file under data/.
    static func data(_ name: String) -> String { root.appendingPathComponent("data").appendingPathComponent(name).path }

    /// Writes `contents` to a fresh temporary directory under `name` and returns its path.
    static func write(_ name: String, _ contents: String) throws -> String {
        try write(name, bytes: Array(contents.utf8))
    }

    /// Writes raw bytes to a fresh temporary directory under `name` and returns its path.
    static func write(_ name: String, bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

/// The description of the DatasetError `body` throws, or nil when it does not throw one.
func errorText(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as DatasetError {
        return error.description
    } catch {
        return "unexpected error type: \(error)"
    }
}
