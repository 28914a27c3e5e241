import Components
import Foundation
import Statistics
import TextPlot

/// One theoretical statement the workbench checks by experiment.
///
/// A claim is three steps: `measure` runs the experiment and returns its data, `checks`
/// judge that data with the rule fixed before the run, and `results` name the fits, per-seed
/// figures and curves that the record keeps. Text is rendered only for text output, by
/// `report`. Parameters are declared once in `parameters`; the runner resolves them (mode
/// defaults, `--param` overrides) and the resolved values are the record's `parameters`.
/// A claim must carry a negative control that fails the same rule, so that it can fail.
public protocol Claim: Sendable {
    /// What `measure` returns and the other steps read.
    associatedtype Measurement: Sendable
    /// Stable identifier used on the command line, e.g. "greedy-decay".
    var id: String { get }
    /// The statement checked, in one line.
    var statement: String { get }
    /// The proof document, relative to the repository root (e.g. "proofs/greedy-decay.md").
    var proofPath: String { get }
    /// The paper (or reference text) the statement comes from: authors, venue, year, title.
    var source: String { get }
    /// The verdict rule, in words, as fixed before the run.
    var rule: String { get }
    /// The negative control, in words.
    var negativeControl: String { get }
    /// The names of the checks that are its negative controls (each must be recorded with role `control` and fail).
    var controlChecks: [String] { get }
    /// Controls that quick mode does not measure (what they guard is not run there either).
    var controlsNotInQuickMode: [String] { get }
    /// The rule's version: a changed rule (statement, forms, margins, seeds, protocol) is a new version, never an edit.
    var ruleVersion: Int { get }
    /// Every parameter `--param key=value` may set, with its domain, help and default.
    var parameters: [Parameter] { get }
    /// Runs the experiment; bad parameter combinations throw `InputError` (exit 2).
    func measure(_ run: ClaimRun) throws -> Measurement
    /// The checks the verdict is derived from.
    func checks(_ measurement: Measurement, _ run: ClaimRun) -> [Check]
    /// An amended claim's earlier rule versions judged on the same run (information in the record, never the verdict).
    func previousRuleVerdicts(_ measurement: Measurement, _ run: ClaimRun) -> [PreviousRuleVerdict]
    /// The seeds, fits, per-seed figures, curves, notes and facts the record keeps.
    func results(_ measurement: Measurement, _ run: ClaimRun) -> ClaimResults
    /// Plots and tables for the terminal (called only for text output).
    func report(_ measurement: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String
}

/// What a claim's steps are given: seed, mode, the resolved parameters, output style, progress.
public struct ClaimRun: Sendable {
    /// The master seed.
    public var seed: UInt64
    /// quick / standard / full.
    public var mode: RunMode
    /// Every declared parameter's value in force.
    public var parameters: ParameterValues
    /// Plot settings for `report`.
    public var plotStyle: PlotStyle
    /// Progress lines on stderr.
    public var progress: ProgressReporter
    /// Threads a claim may run its independent seeds on (`verify --jobs`); every seed has its own stream and results
    /// are assembled in seed order, so no number depends on it (and it is not a recorded parameter).
    public var workers: Int

    public init(seed: UInt64 = 1, mode: RunMode = .standard, parameters: ParameterValues = ParameterValues(),
                plotStyle: PlotStyle = PlotStyle(), progress: ProgressReporter = .silent, workers: Int = 1) {
        self.seed = seed
        self.mode = mode
        self.parameters = parameters
        self.plotStyle = plotStyle
        self.progress = progress
        self.workers = max(1, workers)
    }

    /// An integer parameter.
    public func int(_ name: String) -> Int { parameters.int(name) }
    /// A real parameter.
    public func real(_ name: String) -> Double { parameters.real(name) }
    /// A text or choice parameter.
    public func string(_ name: String) -> String { parameters.string(name) }
    /// A flag parameter.
    public func flag(_ name: String) -> Bool { parameters.flag(name) }
}

/// Everything a claim's record keeps besides the checks.
public struct ClaimResults: Sendable {
    /// The per-run seeds derived from the master seed.
    public var seeds: [UInt64]
    /// Fitted rates with intervals.
    public var fits: [FitRecord]
    /// One figure per seed.
    public var perSeed: [PerSeedRecord]
    /// Curves: each one serves both the text plot and the record's `series`.
    public var figures: [Figure]
    /// Boundaries and remarks printed with the verdict.
    public var notes: [String]
    /// Facts about the run that are not parameters (instance spectrum, data split sizes).
    public var facts: [String: String]

    public init(seeds: [UInt64], fits: [FitRecord] = [], perSeed: [PerSeedRecord] = [], figures: [Figure] = [],
                notes: [String] = [], facts: [String: String] = [:]) {
        self.seeds = seeds
        self.fits = fits
        self.perSeed = perSeed
        self.figures = figures
        self.notes = notes
        self.facts = facts
    }

    /// The record's series: every recorded curve of every figure, in order.
    public var series: [SeriesRecord] {
        figures.flatMap { f in f.curves.compactMap { c in c.record.map { SeriesRecord(name: $0, x: c.x, y: c.y) } } }
    }
}

/// A plot's data: each curve held once, for the text plot and for the record.
public struct Figure: Sendable {
    /// One curve of a figure.
    public struct Curve: Sendable {
        /// Legend label.
        public var label: String
        /// The series name in the record, or nil for a curve only drawn (a reference line).
        public var record: String?
        public var x: [Double]
        public var y: [Double]
        public var dashed: Bool
        /// Whether the plot draws it (false for curves kept only in the record).
        public var plotted: Bool

        public init(_ label: String, record: String?, x: [Double], y: [Double], dashed: Bool = false, plotted: Bool = true) {
            self.label = label
            self.record = record
            self.x = x
            self.y = y
            self.dashed = dashed
            self.plotted = plotted
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    public var curves: [Curve]

    public init(title: String, xLabel: String, yLabel: String, xScale: AxisScale = .linear, yScale: AxisScale = .linear, curves: [Curve] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.curves = curves
    }

    /// A figure that only carries recorded curves (nothing drawn).
    public static func recordOnly(_ curves: [Curve]) -> Figure {
        Figure(title: "", xLabel: "", yLabel: "", curves: curves.map { var c = $0; c.plotted = false; return c })
    }

    /// Adds a curve.
    public mutating func add(_ c: Curve) { curves.append(c) }

    /// The text plot of the drawn curves.
    public func render(_ style: PlotStyle) -> String {
        var plot = LinePlot(title: title, xLabel: xLabel, yLabel: yLabel, xScale: xScale, yScale: yScale)
        for c in curves where c.plotted { plot.add(Series(name: c.label, x: c.x, y: c.y, kind: .line, dashed: c.dashed)) }
        return plot.render(style)
    }
}

extension Claim {
    /// No declared controls: the claim contract test fails until a claim names them.
    public var controlChecks: [String] { [] }

    /// No source named: the report and proofs index then say so rather than invent one.
    public var source: String { "no source given" }

    /// Every control is measured in every mode.
    public var controlsNotInQuickMode: [String] { [] }

    /// The first version of a rule.
    public var ruleVersion: Int { 1 }

    /// No earlier version.
    public func previousRuleVerdicts(_ measurement: Measurement, _ run: ClaimRun) -> [PreviousRuleVerdict] { [] }

    /// The record's file name: the id with '/' made filesystem-safe ("greedy-rate-1/n" → "greedy-rate-1-n.json").
    public var resultFileName: String { id.replacingOccurrences(of: "/", with: "-") + ".json" }

    /// Resolves the declared parameters for `mode` with the user's `--param` overrides.
    public func resolveParameters(overrides: [String: String], mode: RunMode) throws(InputError) -> ParameterValues {
        try ParameterValues(resolving: parameters, overrides: overrides, mode: mode, owner: "claim '\(id)'")
    }
}
