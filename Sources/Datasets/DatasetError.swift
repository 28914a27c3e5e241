import Foundation

/// Why a data set could not be loaded, built or split; `description` is one line naming the file and, for text formats, the line and column.
///
/// Lines and columns are 1-based. For CSV the column is the field number (what a spreadsheet
/// shows); for LIBSVM it is the character position of the offending token, because fields there
/// are space-separated tokens of varying index. Binary IDX files have no lines, so their errors
/// name the file and the byte offset instead (`.malformed` with a message starting `byte N: `).
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The path does not exist.
    case noSuchFile(path: String)
    /// The path exists but could not be read (a directory, no permission, …).
    case unreadable(path: String, reason: String)
    /// A text file has a bad cell or token at `line`:`column`.
    case syntax(file: String, line: Int, column: Int, message: String)
    /// A file as a whole is unusable (empty, wrong magic number, truncated, inconsistent widths).
    case malformed(file: String, message: String)
    /// `BuiltinDatasets.named` was given a name it does not know.
    case unknownDataset(name: String, known: [String])
    /// A caller passed an argument outside its domain (split fractions, generator sizes, …).
    case invalidArgument(String)
    /// The parts of a `LabeledDataset` do not fit together.
    case invalidDataset(String)

    public var description: String {
        switch self {
        case .noSuchFile(let path):
            return "\(path): no such file"
        case .unreadable(let path, let reason):
            return "\(path): cannot read (\(reason))"
        case .syntax(let file, let line, let column, let message):
            return "\(file):\(line):\(column): \(message)"
        case .malformed(let file, let message):
            return "\(file): \(message)"
        case .unknownDataset(let name, let known):
            return "unknown data set '\(name)' (known: \(known.joined(separator: ", ")))"
        case .invalidArgument(let message):
            return "invalid argument: \(message)"
        case .invalidDataset(let message):
            return "invalid data set: \(message)"
        }
    }

    /// Foundation and ArgumentParser show this text, so it is the same one line as `description`.
    public var errorDescription: String? { description }
}

/// Quotes a cell for an error message, shortened so one bad megabyte cell still gives one readable line.
///
/// The limit counts Unicode scalars, not Characters: one Character can be a digit followed by
/// thousands of combining marks. Control characters (NUL, form feed, ESC, …) and the line and
/// paragraph separators are written as `\u{…}` so the message stays one printable line; tabs stay.
func quoted<S: StringProtocol>(_ cell: S) -> String {
    let limit = 40
    var text = ""
    var count = 0
    for scalar in cell.unicodeScalars {
        if count == limit {
            text += "…"
            break
        }
        count += 1
        if (scalar.properties.generalCategory == .control && scalar != "\t") || scalar == "\u{2028}" || scalar == "\u{2029}" {
            text += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
            text.unicodeScalars.append(scalar)
        }
    }
    return "'\(text)'"
}
