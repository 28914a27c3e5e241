import Components
import Foundation

/// A parsed JSON document, enough to look figures up in any command's record.
public indirect enum JSONValue: Sendable, Equatable, Decodable {
    // The six JSON kinds.
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes any JSON value.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// A number, or one of the strings the workbench writes for non-finite numbers ("nan", "inf", "-inf").
    var number: Double? {
        switch self {
        case .number(let d): return d
        case .string("nan"): return .nan
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        default: return nil
        }
    }
}

/// Finding a named figure in a record, the same way for every command.
///
/// A figure is looked up in the record's JSON, so any command that writes a record can be swept:
/// 1. `NAME`: an object with `"name": NAME` and a numeric `"estimate"` (a claim's fit, e.g. `--figure "Cholesky backward slope"`);
/// 2. otherwise `FIELD` or `FIELD@LABEL[@LABEL…]`: a numeric member `FIELD` of an object (or of the record itself),
///    which must also have a member equal to each LABEL, a string or a number (e.g. `decayConstant@greedy-linesearch` picks the
///    `methods` entry whose `method` is greedy-linesearch; `decayConstant@greedy-linesearch@300` a `greedy sweep` point;
///    `local@16` the `greedy prune-mlp` accuracy at 16 neurons kept).
///
/// Exactly one match is required: several are ambiguous (the message lists the labels that tell them apart).
/// A record in which the figure is absent (a fit that was not possible, a null field) gives no value for that run.
public enum FigureLookup {
    /// The figure's value in `record`, nil when the record lacks it; ambiguity is bad input.
    public static func value(_ figure: String, in record: JSONValue) throws(InputError) -> Double? {
        var fits = [Double]()
        walk(record) { object in
            if case .string(figure)? = object["name"], let e = object["estimate"]?.number { fits.append(e) }
        }
        if fits.count == 1 { return fits[0] }
        if fits.count > 1 { throw InputError("figure '\(figure)' names \(fits.count) fits in one record") }

        let parts = figure.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
        let field = parts.first ?? figure
        let labels = parts.dropFirst()
        var found = [(value: Double, object: [String: JSONValue])]()
        walk(record) { object in
            guard let v = object[field]?.number else { return }
            if labels.contains(where: { !matches($0, object) }) { return }
            found.append((v, object))
        }
        if found.count > 1 {
            let tell = found.compactMap { labelOf($0.object) }.map { "\(field)@\($0)" }
            throw InputError("figure '\(figure)' is ambiguous: \(found.count) matches in one record" + (tell.isEmpty ? "" : " (one of: \(tell.joined(separator: ", ")))"))
        }
        return found.first?.value
    }

    /// The figures a record offers, for messages: fit names, then `field@label` for numeric fields of labelled objects.
    public static func candidates(in record: JSONValue) -> [String] {
        var out = [String]()
        walk(record) { object in
            if case .string(let n)? = object["name"], object["estimate"]?.number != nil { out.append(n); return }
            for k in object.keys.sorted() {
                guard case .number? = object[k] else { continue }
                let name = labelOf(object).map { "\(k)@\($0)" } ?? k
                if !out.contains(name) { out.append(name) }
            }
        }
        return out
    }

    /// Whether `label` is one of the object's string members, or equals one of its numeric members (`local@4`: `"keep": 4`).
    private static func matches(_ label: String, _ object: [String: JSONValue]) -> Bool {
        if object.values.contains(.string(label)) { return true }
        guard let x = Double(label) else { return false }
        return object.values.contains { $0 == .number(x) }
    }

    /// The label that names an object in messages: its `method` or `name`, if it has one.
    private static func labelOf(_ object: [String: JSONValue]) -> String? {
        for k in ["method", "name"] { if case .string(let s)? = object[k] { return s } }
        return nil
    }

    /// Calls `visit` on every object, depth first, members in key order (so results never depend on hashing).
    static func walk(_ v: JSONValue, _ visit: ([String: JSONValue]) -> Void) {
        switch v {
        case .object(let o):
            visit(o)
            for k in o.keys.sorted() { if let child = o[k] { walk(child, visit) } }
        case .array(let a):
            for child in a { walk(child, visit) }
        default:
            return
        }
    }
}
