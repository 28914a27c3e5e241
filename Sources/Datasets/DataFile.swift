import Foundation

/// Reading users' files, with the two failures every loader reports the same way.
enum DataFile {
    /// The bytes of the file at `path`, or `.noSuchFile` / `.unreadable`.
    static func bytes(_ path: String) throws(DatasetError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .noSuchFile(path: path)
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: path, reason: "is a directory") }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return [UInt8](data)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
    }

    /// The file decoded as UTF-8 text (a leading byte-order mark dropped, since spreadsheet exports add one).
    static func text(_ path: String) throws(DatasetError) -> String {
        var raw = try bytes(path)
        if raw.starts(with: [0xEF, 0xBB, 0xBF]) { raw.removeFirst(3) }
        // Invalid UTF-8 becomes U+FFFD, which then fails as a non-numeric cell with its position.
        return String(decoding: raw, as: UTF8.self)
    }

    /// The text split into lines with 1-based numbers; "\r\n" and "\r" end lines as well as "\n".
    ///
    /// Only those three end a line, as in editors, `grep -n` and Python's csv module: `isNewline`
    /// would also split at form feeds, vertical tabs, U+0085, U+2028 and U+2029, which shifts
    /// every later line number and cuts comments and quoted names in two.
    static func lines(_ text: String) -> [(number: Int, text: Substring)] {
        // Swift treats "\r\n" as one Character, so splitting on "\n" alone would miss Windows files.
        let parts = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        return parts.enumerated().map { (number: $0.offset + 1, text: $0.element) }
    }
}
