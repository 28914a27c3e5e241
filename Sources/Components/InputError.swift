/// Bad input from the user (unknown name, value outside its domain, malformed key=value): exit status 2.
///
/// Every module may throw its own error type for bad input; this one serves the shared
/// machinery (parameters, catalogues) so that its messages read the same everywhere.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ message: String) { description = message }
}
