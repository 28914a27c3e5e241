import Foundation

/// One tunable setting of a component (claim, solver, problem, score, selector, sparse method).
///
/// A parameter is declared once, as data: its name, the values it accepts, its help text and
/// its default. The flags' help, `--list-params`, `--set`/`--param` validation and the
/// record's `parameters` object are all derived from the declaration, so a default is never
/// typed twice.
public struct Parameter: Sendable, Equatable {
    /// The values a parameter accepts.
    public enum Domain: Sendable, Equatable {
        /// An integer in a closed range.
        case integer(ClosedRange<Int>)
        /// A finite real between two bounds; each bound open or closed.
        case real(lower: Double, upper: Double, lowerOpen: Bool, upperOpen: Bool)
        /// One name from a fixed list.
        case choice([String])
        /// `true` or `false` (also on/off, yes/no).
        case flag
        /// Free text that the component parses itself (a network spec, a list of densities).
        case text

        /// A real > 0.
        public static let positive = Domain.real(lower: 0, upper: .infinity, lowerOpen: true, upperOpen: true)
        /// A real ≥ 0.
        public static let nonNegative = Domain.real(lower: 0, upper: .infinity, lowerOpen: false, upperOpen: true)
        /// A real in [0, 1].
        public static let unit = Domain.real(lower: 0, upper: 1, lowerOpen: false, upperOpen: false)
        /// A real in the closed range.
        public static func real(_ r: ClosedRange<Double>) -> Domain { .real(lower: r.lowerBound, upper: r.upperBound, lowerOpen: false, upperOpen: false) }
        /// An integer ≥ `lower`.
        public static func integer(atLeast lower: Int) -> Domain { .integer(lower...Int(1e12)) }

        /// The domain in words, for help and error messages.
        public var summary: String {
            switch self {
            case .integer(let r):
                return r.upperBound >= Int(1e12) ? "integer ≥ \(r.lowerBound)" : "integer in \(r.lowerBound)...\(r.upperBound)"
            case .real(let lo, let hi, let lo0, let hi0):
                if hi == .infinity { return lo0 ? "real > \(Parameter.format(lo))" : "real ≥ \(Parameter.format(lo))" }
                return "real in \(lo0 ? "(" : "[")\(Parameter.format(lo)), \(Parameter.format(hi))\(hi0 ? ")" : "]")"
            case .choice(let names): return names.joined(separator: "|")
            case .flag: return "true|false"
            case .text: return "text"
            }
        }
    }

    /// Where a parameter's value comes from when the user does not set it.
    public enum Default: Sendable, Equatable {
        /// One value.
        case fixed(ParameterValue)
        /// A value per run mode (quick tests, the standard run, paper-grade full runs).
        case byMode(quick: ParameterValue, standard: ParameterValue, full: ParameterValue)
        /// Derived from the problem or data at resolution time (e.g. 1/L); the text says how.
        case derived(String)
    }

    /// The name used on the command line (`--set name=value`, `--param name=value`).
    public let name: String
    /// The values it accepts.
    public let domain: Domain
    /// Its default.
    public let defaultValue: Default
    /// What it means, in one line.
    public let help: String

    /// A parameter with a raw default.
    public init(_ name: String, _ domain: Domain, default defaultValue: Default, _ help: String) {
        self.name = name
        self.domain = domain
        self.defaultValue = defaultValue
        self.help = help
    }

    /// An integer parameter with a fixed default.
    public static func int(_ name: String, _ value: Int, _ range: ClosedRange<Int>, _ help: String) -> Parameter {
        Parameter(name, .integer(range), default: .fixed(.int(value)), help)
    }

    /// An integer parameter whose default depends on the run mode.
    public static func int(_ name: String, quick: Int, standard: Int, full: Int, _ range: ClosedRange<Int>, _ help: String) -> Parameter {
        Parameter(name, .integer(range), default: .byMode(quick: .int(quick), standard: .int(standard), full: .int(full)), help)
    }

    /// A real parameter with a fixed default.
    public static func real(_ name: String, _ value: Double, _ domain: Domain, _ help: String) -> Parameter {
        Parameter(name, domain, default: .fixed(.real(value)), help)
    }

    /// A real parameter whose default depends on the run mode.
    public static func real(_ name: String, quick: Double, standard: Double, full: Double, _ domain: Domain, _ help: String) -> Parameter {
        Parameter(name, domain, default: .byMode(quick: .real(quick), standard: .real(standard), full: .real(full)), help)
    }

    /// A real parameter derived from the problem unless set (the text says how, e.g. "0.8/L").
    public static func derived(_ name: String, _ domain: Domain, _ how: String, _ help: String) -> Parameter {
        Parameter(name, domain, default: .derived(how), help)
    }

    /// A choice among names.
    public static func choice(_ name: String, _ value: String, _ names: [String], _ help: String) -> Parameter {
        Parameter(name, .choice(names), default: .fixed(.text(value)), help)
    }

    /// A flag.
    public static func flag(_ name: String, _ value: Bool, _ help: String) -> Parameter {
        Parameter(name, .flag, default: .fixed(.flag(value)), help)
    }

    /// Free text the component parses itself.
    public static func text(_ name: String, _ value: String, _ help: String) -> Parameter {
        Parameter(name, .text, default: .fixed(.text(value)), help)
    }

    /// The default in force in `mode`, or nil when it is derived.
    public func defaultValue(in mode: RunMode) -> ParameterValue? {
        switch defaultValue {
        case .fixed(let v): return v
        case .byMode(let q, let s, let f): return mode == .quick ? q : (mode == .full ? f : s)
        case .derived: return nil
        }
    }

    /// The default in words, for help tables ("12", "quick 3 / 5 / full 10", "(0.8/L)").
    public var defaultSummary: String {
        switch defaultValue {
        case .fixed(let v): return v.description
        case .byMode(let q, let s, let f): return q == s && s == f ? s.description : "\(s) (quick \(q), full \(f))"
        case .derived(let how): return "(\(how))"
        }
    }

    /// Parses user text into a value of this parameter's domain, or says why not.
    public func parse(_ raw: String) throws(InputError) -> ParameterValue {
        let text = raw.trimmingCharacters(in: .whitespaces)
        switch domain {
        case .integer:
            // Accept "1e6" and "1000000.0" for integers, as long as the value is whole.
            if let i = Int(text) { try check(.int(i)); return .int(i) }
            guard let d = Double(text), d.isFinite, d == d.rounded(), abs(d) < 9e15 else {
                throw InputError("\(name)='\(raw)' is not an integer")
            }
            try check(.int(Int(d)))
            return .int(Int(d))
        case .real:
            guard let d = Double(text), d.isFinite else { throw InputError("\(name)='\(raw)' is not a finite number") }
            try check(.real(d))
            return .real(d)
        case .choice(let names):
            guard names.contains(text) else { throw InputError("\(name)='\(raw)' is not one of \(names.joined(separator: ", "))") }
            return .text(text)
        case .flag:
            switch text.lowercased() {
            case "true", "on", "yes", "1": return .flag(true)
            case "false", "off", "no", "0": return .flag(false)
            default: throw InputError("\(name)='\(raw)' is not true or false")
            }
        case .text:
            guard !text.isEmpty else { throw InputError("\(name) is empty") }
            return .text(text)
        }
    }

    /// Throws unless `value` lies in the domain.
    public func check(_ value: ParameterValue) throws(InputError) {
        switch (domain, value) {
        case (.integer(let r), .int(let i)):
            guard r.contains(i) else { throw InputError("\(name)=\(i) is outside its domain (\(domain.summary))") }
        case (.real(let lo, let hi, let lo0, let hi0), .real(_)), (.real(let lo, let hi, let lo0, let hi0), .int(_)):
            let d = value.double ?? .nan
            let ok = d.isFinite && (lo0 ? d > lo : d >= lo) && (hi0 ? d < hi : d <= hi)
            guard ok else { throw InputError("\(name)=\(Parameter.format(d)) is outside its domain (\(domain.summary))") }
        case (.choice(let names), .text(let s)):
            guard names.contains(s) else { throw InputError("\(name)='\(s)' is not one of \(names.joined(separator: ", "))") }
        case (.flag, .flag), (.text, .text):
            return
        default:
            throw InputError("\(name)=\(value) does not fit its domain (\(domain.summary))")
        }
    }

    /// Shortest text that reads back to the same double.
    static func format(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }
}

/// A parameter's value: what the record's `parameters` object holds (a JSON number, string or boolean).
public enum ParameterValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case int(Int)
    case real(Double)
    case text(String)
    case flag(Bool)

    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .real(let d): return Parameter.format(d)
        case .text(let s): return s
        case .flag(let b): return b ? "true" : "false"
        }
    }

    /// As a double (integers widen); nil for text and flags.
    public var double: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .real(let d): return d
        default: return nil
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .flag(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .real(d) }
        else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let i): try c.encode(i)
        case .real(let d): try c.encode(d)
        case .text(let s): try c.encode(s)
        case .flag(let b): try c.encode(b)
        }
    }
}

/// Every parameter value in force for one component in one run: overrides, mode defaults and derived values.
///
/// Encoded as a flat JSON object (name → value). It is the `parameters` object of the records,
/// so what a run used is exactly what it reports.
public struct ParameterValues: Sendable, Equatable, Codable {
    /// Values by name.
    public private(set) var values: [String: ParameterValue]

    /// Values given directly (for tests and fixtures).
    public init(_ values: [String: ParameterValue] = [:]) { self.values = values }

    /// Resolves `declared` for one component: user overrides (text, parsed and checked), then
    /// mode defaults, then `derived` values the component computed from its problem.
    ///
    /// - Parameters:
    ///   - owner: what the parameters belong to, for messages ("solver 'mrbo'", "claim 'greedy-decay'").
    ///   - ignoreUnknown: keep quiet about override keys this component does not declare
    ///     (a shared `--set` reaching several components); the caller must check that every key is used somewhere.
    public init(resolving declared: [Parameter], overrides: [String: String] = [:], mode: RunMode = .standard,
                derived: [String: ParameterValue] = [:], owner: String, ignoreUnknown: Bool = false) throws(InputError) {
        if !ignoreUnknown {
            let names = Set(declared.map(\.name))
            for key in overrides.keys.sorted() where !names.contains(key) {
                let known = declared.map(\.name).joined(separator: ", ")
                throw InputError("\(owner) has no parameter '\(key)'" + (known.isEmpty ? " (it takes none)" : " (known: \(known))"))
            }
        }
        var out = [String: ParameterValue]()
        for p in declared {
            if let raw = overrides[p.name] {
                out[p.name] = try p.parse(raw)
            } else if let v = p.defaultValue(in: mode) {
                out[p.name] = v
            } else if let v = derived[p.name] {
                try p.check(v)
                out[p.name] = v
            } else {
                // A derived default the component did not supply: a programming error, reported as input
                // so that it never traps; the catalogue contract tests catch it first.
                throw InputError("\(owner): no value for derived parameter '\(p.name)'")
            }
        }
        values = out
    }

    /// The value of a declared parameter; a name that was not declared is a programming error.
    public subscript(_ name: String) -> ParameterValue {
        guard let v = values[name] else { preconditionFailure("parameter '\(name)' was not declared") }
        return v
    }

    /// An integer parameter.
    public func int(_ name: String) -> Int {
        switch self[name] {
        case .int(let i): return i
        case .real(let d): return Int(d)
        default: preconditionFailure("parameter '\(name)' is not numeric")
        }
    }

    /// A real parameter (integers widen).
    public func real(_ name: String) -> Double {
        guard let d = self[name].double else { preconditionFailure("parameter '\(name)' is not numeric") }
        return d
    }

    /// A text or choice parameter.
    public func string(_ name: String) -> String { self[name].description }

    /// A flag parameter.
    public func flag(_ name: String) -> Bool {
        guard case .flag(let b) = self[name] else { preconditionFailure("parameter '\(name)' is not a flag") }
        return b
    }

    /// The names in force, sorted.
    public var names: [String] { values.keys.sorted() }

    public init(from decoder: Decoder) throws { values = try [String: ParameterValue](from: decoder) }
    public func encode(to encoder: Encoder) throws { try values.encode(to: encoder) }
}

/// Parsing `key=value` command-line settings (`--set`, `--param`).
public enum Settings {
    /// Pairs to a dictionary; a missing `=`, an empty key or value, or a repeated key is bad input.
    public static func parse(_ raw: [String], flag: String) throws(InputError) -> [String: String] {
        var out = [String: String]()
        for s in raw {
            let parts = s.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw InputError("\(flag) expects key=value, got '\(s)'") }
            guard out[parts[0]] == nil else { throw InputError("\(flag) \(parts[0]) given twice") }
            out[parts[0]] = parts[1]
        }
        return out
    }
}
