/// Bad input to the network library: `description` is the one line the CLI prints before exiting 2.
public struct SparseNetsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The one-line message.
    public let description: String
    /// An error with this message.
    public init(_ message: String) { description = message }
}
