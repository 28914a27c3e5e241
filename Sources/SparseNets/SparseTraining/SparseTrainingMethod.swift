import Components

/// A sparse-training method: a combination along rigl's three axes, never its own code path.
///
/// How the mask changes is a drop criterion and a grow criterion (both absent for static
/// training, no growth for pruning), when it changes is an update schedule, and how much each
/// layer keeps is the distribution chosen at run time. Adding a method is one file with a type
/// conforming to this protocol and one line in `SparseMethodCatalog.all`.
public protocol SparseTrainingMethod {
    /// The name used on the command line (`rigl`, `set`, …).
    static var name: String { get }
    /// What it does, in one line.
    static var summary: String { get }
    /// Which active weights an update removes (nil: none).
    static var drop: (any DropCriterion.Type)? { get }
    /// Which positions an update revives (nil: none, the method only prunes).
    static var grow: (any GrowCriterion.Type)? { get }
    /// When the mask changes.
    static var schedule: any UpdateSchedule.Type { get }
    /// Whether training starts dense and prunes toward the distribution's counts (instead of starting from its random mask).
    static var startsDense: Bool { get }
}

extension SparseTrainingMethod {
    public static var startsDense: Bool { false }
}

/// A method with its components configured for one run (the grow criterion's state is fresh in every copy).
public struct SparseMethod: Sendable {
    /// The method's name.
    public var name: String
    /// The drop criterion, if the mask changes.
    public var drop: (any DropCriterion)?
    /// The grow criterion, if the method regrows.
    public var grow: (any GrowCriterion)?
    /// The update schedule.
    public var schedule: any UpdateSchedule
    /// Whether training starts dense.
    public var startsDense: Bool
    /// The resolved values of the method's parameters.
    public var parameters: ParameterValues

    /// `type` configured from resolved parameter values.
    public init(_ type: any SparseTrainingMethod.Type, parameters v: ParameterValues) {
        name = type.name
        drop = type.drop.map { $0.init(parameters: v) }
        grow = type.grow.map { $0.init(parameters: v) }
        schedule = type.schedule.init(parameters: v)
        startsDense = type.startsDense
        parameters = v
    }

    /// Which dense gradient the method reads.
    public var gradientUse: GradientUse { grow.map { type(of: $0).gradientUse } ?? .none }

    /// Whether update steps change only the mask (the method grows from the update step's own gradient).
    public var maskOnlyUpdates: Bool { gradientUse == .updateStep }

    /// The three axes in one line ("magnitude drop + gradient grow + cosine schedule").
    public var composition: String {
        if drop == nil && grow == nil && schedule.interval == nil { return "fixed random mask (\(type(of: schedule).name) schedule)" }
        var parts = [String]()
        if let d = drop { parts.append("\(type(of: d).name) drop") }
        if let g = grow { parts.append("\(type(of: g).name) grow") }
        parts.append("\(type(of: schedule).name) schedule")
        if startsDense { parts.append("from dense") }
        return parts.joined(separator: " + ")
    }
}

/// The sparse-training methods: the one list `sparse-train --method`, the claims, the help text and the contract tests read.
public enum SparseMethodCatalog {
    /// Every method, in listing order.
    public static let all = Catalogue<any SparseTrainingMethod.Type>(kind: "sparse-training method", [
        StaticMethod.self,
        SETMethod.self,
        RigLMethod.self,
        SNFSMethod.self,
        GMPMethod.self,
    ]) { $0.name }

    /// The parameters of a method: its components', each declared once by the component that owns it.
    public static func parameters(of type: any SparseTrainingMethod.Type) -> [Parameter] {
        var seen = Set<String>(), out = [Parameter]()
        var all = [Parameter]()
        if let d = type.drop { all += d.parameters }
        if let g = type.grow { all += g.parameters }
        all += type.schedule.parameters
        for p in all where seen.insert(p.name).inserted { out.append(p) }
        return out
    }

    /// The method called `name`, configured from `overrides` (every key must be one of its parameters).
    public static func method(named name: String, overrides: [String: String] = [:]) throws(InputError) -> SparseMethod {
        try methods([all.named(name)], overrides: overrides).methods[0]
    }

    /// The given methods configured from the shared `--set` overrides.
    ///
    /// Every override must be declared by at least one selected method or be in `alsoDeclared`
    /// (e.g. the distribution's parameters), so a misspelt or inapplicable key is an error rather
    /// than silently ignored. Methods sharing a parameter name resolve it from the same override.
    public static func methods(_ types: [any SparseTrainingMethod.Type], overrides: [String: String],
                               alsoDeclared: Set<String> = []) throws(InputError) -> (methods: [SparseMethod], parameters: ParameterValues) {
        var declared = Set<String>()
        for t in types { for p in parameters(of: t) { declared.insert(p.name) } }
        for key in overrides.keys.sorted() where !declared.contains(key) && !alsoDeclared.contains(key) {
            let names = types.map { $0.name }.joined(separator: ", ")
            let known = declared.union(alsoDeclared).sorted()
            throw InputError("--set \(key): no selected method (\(names)) or distribution has a parameter '\(key)'"
                             + (known.isEmpty ? " (they take none)" : " (known: \(known.joined(separator: ", ")))"))
        }
        var out = [SparseMethod](), merged = [String: ParameterValue]()
        for t in types {
            let values = try ParameterValues(resolving: parameters(of: t), overrides: overrides, owner: "method '\(t.name)'", ignoreUnknown: true)
            out.append(SparseMethod(t, parameters: values))
            merged.merge(values.values) { a, _ in a }
        }
        return (out, ParameterValues(merged))
    }
}
