import Foundation
import TextPlot

/// One theoretical statement the workbench checks by experiment.
///
/// A claim owns its experiment, its estimator and a verdict rule fixed before the run, and
/// it must carry a negative control that fails the same rule, so that the check can fail.
public protocol Claim: Sendable {
    /// Stable identifier used on the command line, e.g. "greedy-decay".
    var id: String { get }
    /// The statement checked, in one line.
    var statement: String { get }
    /// The proof document, relative to the repository root (e.g. "proofs/greedy-decay.md").
    var proofPath: String { get }
    /// The verdict rule, in words, as fixed before the run.
    var rule: String { get }
    /// The negative control, in words.
    var negativeControl: String { get }
    /// Parameters that `--param key=value` may override.
    var parameters: [ParameterSpec] { get }
    /// Runs the experiment and judges it.
    func run(_ context: ClaimContext) throws -> ClaimResult
}

/// A parameter of a claim's experiment that the user may override.
public struct ParameterSpec: Sendable, Equatable {
    public let name: String
    public let defaultValue: String
    public let help: String

    public init(_ name: String, default defaultValue: String, _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// How much work a run does.
public enum RunMode: String, Sendable, Codable, CaseIterable {
    /// Small settings for tests.
    case quick
    /// The default: seconds on a laptop.
    case standard
    /// Paper-grade: more seeds, wider ranges.
    case full
}

/// What a claim's run is given: seed, mode, parameter overrides, output style, progress.
public struct ClaimContext: Sendable {
    public var seed: UInt64
    public var mode: RunMode
    /// Overrides from `--param key=value`.
    public var overrides: [String: String]
    public var plotStyle: PlotStyle
    public var progress: ProgressReporter

    public init(seed: UInt64 = 1, mode: RunMode = .standard, overrides: [String: String] = [:],
                plotStyle: PlotStyle = PlotStyle(), progress: ProgressReporter = .silent) {
        self.seed = seed
        self.mode = mode
        self.overrides = overrides
        self.plotStyle = plotStyle
        self.progress = progress
    }

    /// Rejects override keys the claim does not declare.
    public func validateOverrides(for claim: any Claim) throws(ClaimInputError) {
        let known = Set(claim.parameters.map(\.name))
        for key in overrides.keys.sorted() where !known.contains(key) {
            let list = claim.parameters.map(\.name).joined(separator: ", ")
            throw ClaimInputError("claim '\(claim.id)' has no parameter '\(key)'" + (list.isEmpty ? " (it takes none)" : " (known: \(list))"))
        }
    }

    /// The raw string for a parameter: the override, else the given default.
    public func string(_ key: String, default d: String) -> String { overrides[key] ?? d }

    /// An integer parameter within a range.
    public func int(_ key: String, default d: Int, in range: ClosedRange<Int>) throws(ClaimInputError) -> Int {
        guard let raw = overrides[key] else { return d }
        guard let v = Int(raw) else { throw ClaimInputError("parameter \(key)='\(raw)' is not an integer") }
        guard range.contains(v) else { throw ClaimInputError("parameter \(key)=\(v) is outside \(range.lowerBound)...\(range.upperBound)") }
        return v
    }

    /// A finite real parameter within a range.
    public func double(_ key: String, default d: Double, in range: ClosedRange<Double>) throws(ClaimInputError) -> Double {
        guard let raw = overrides[key] else { return d }
        guard let v = Double(raw), v.isFinite else { throw ClaimInputError("parameter \(key)='\(raw)' is not a finite number") }
        guard range.contains(v) else { throw ClaimInputError("parameter \(key)=\(raw) is outside [\(range.lowerBound), \(range.upperBound)]") }
        return v
    }

    /// A parameter chosen from a fixed list of names.
    public func choice(_ key: String, default d: String, from allowed: [String]) throws(ClaimInputError) -> String {
        let v = overrides[key] ?? d
        guard allowed.contains(v) else { throw ClaimInputError("parameter \(key)='\(v)' is not one of \(allowed.joined(separator: ", "))") }
        return v
    }
}

/// Bad input to a claim (unknown parameter, value out of range): exit status 2.
public struct ClaimInputError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}

extension Claim {
    /// The record's file name: the id with '/' made filesystem-safe ("greedy-rate-1/n" → "greedy-rate-1-n.json").
    public var resultFileName: String { id.replacingOccurrences(of: "/", with: "-") + ".json" }
}
