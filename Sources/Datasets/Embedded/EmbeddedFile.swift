import Foundation

/// A binary file of data/ compiled into the binary as base64 text (scripts/embed_data.py writes them).
struct EmbeddedFile: Sendable {
    /// The file's name under data/.
    let name: String
    /// SHA-256 of the file's bytes, as data/mnist1d.sha256 lists it; DatasetsTests checks the decoded bytes against it.
    let sha256: String
    /// The bytes as base64, in lines (newlines are skipped when decoding).
    let base64: String

    /// The file's bytes; empty if the text is not base64, which the tests would catch (decoding stays total).
    var bytes: [UInt8] {
        Data(base64Encoded: base64, options: .ignoreUnknownCharacters).map { [UInt8]($0) } ?? []
    }
}
