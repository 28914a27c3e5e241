import Foundation

/// A component kind's catalogue: the one place that lists its members.
///
/// Names, help lists and unknown-name errors are derived from it, so adding a component is
/// adding its file and one line to its kind's `all`. Every kind uses this shape:
/// `static let all = Catalogue<any X.Type>(kind: "solver", [A.self, B.self]) { $0.name }`.
public struct Catalogue<Entry>: @unchecked Sendable {
    /// What the entries are, for messages ("solver", "pruning score").
    public let kind: String
    /// The entries, in the order listings and `all` use.
    public let entries: [Entry]
    private let nameOf: @Sendable (Entry) -> String

    /// A catalogue; names must be unique.
    public init(kind: String, _ entries: [Entry], name: @escaping @Sendable (Entry) -> String) {
        self.kind = kind
        self.entries = entries
        self.nameOf = name
        precondition(Set(entries.map(name)).count == entries.count, "duplicate names in the \(kind) catalogue")
    }

    /// The names, in catalogue order.
    public var names: [String] { entries.map(nameOf) }

    /// The name of an entry.
    public func name(of entry: Entry) -> String { nameOf(entry) }

    /// The entry called `name`, or an error that lists the known names.
    public func named(_ name: String) throws(InputError) -> Entry {
        guard let e = entries.first(where: { nameOf($0) == name }) else {
            throw InputError("unknown \(kind) '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        return e
    }

    /// Whether `name` is in the catalogue.
    public func contains(_ name: String) -> Bool { entries.contains { nameOf($0) == name } }

    /// A comma-separated list of names (or `all`) to entries, in the order given; empty or repeated names are bad input.
    public func list(_ text: String) throws(InputError) -> [Entry] {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "all" { return entries }
        var out = [Entry](), seen = Set<String>()
        for part in t.split(separator: ",", omittingEmptySubsequences: false) {
            let n = part.trimmingCharacters(in: .whitespaces)
            guard !n.isEmpty else { throw InputError("empty \(kind) name in '\(text)'") }
            guard seen.insert(n).inserted else { throw InputError("\(kind) '\(n)' named twice") }
            out.append(try named(n))
        }
        return out
    }
}


