import Components
import Statistics

/// The JSON record of one claim run (schema "workbench.claim/3", documented in the README).
public struct ClaimRecord: Sendable, Codable {
    /// Schema identifier; bumped on any incompatible change (3: verdict forms, rule identity, inconclusive, replication).
    public var schema = "workbench.claim/3"
    public var claim: String
    public var statement: String
    public var proof: String
    public var rule: String
    /// The pre-registered rule's id, version and sha256.
    public var ruleIdentity: RuleIdentity?
    /// An amended claim's earlier rule versions judged on this run (information only).
    public var previousRules: [PreviousRuleVerdict]?
    /// `verify --replicate K`: how often the verdict and each check held over K master seeds.
    public var replication: Replication?
    public var negativeControl: String
    public var verdict: Verdict
    public var verdictReason: String
    public var mode: RunMode
    public var masterSeed: UInt64
    /// The per-run seeds derived from the master seed.
    public var seeds: [UInt64]
    /// Every declared parameter's value in force (defaults for the mode, overrides).
    public var parameters: ParameterValues
    /// Facts about the run that are not parameters.
    public var facts: [String: String]
    public var checks: [Check]
    public var fits: [FitRecord]
    public var perSeed: [PerSeedRecord]
    public var series: [SeriesRecord]
    /// Boundaries and remarks printed with the verdict.
    public var notes: [String]
    /// Library and tool versions (filled by the runner).
    public var versions: [String: String]

    /// The record of `claim`'s run: the verdict is derived from `checks`, never declared.
    public init<C: Claim>(claim: C, run: ClaimRun, checks: [Check], results: ClaimResults, previousRules: [PreviousRuleVerdict] = []) {
        self.claim = claim.id
        self.statement = claim.statement
        self.proof = claim.proofPath
        self.rule = claim.rule
        self.ruleIdentity = claim.ruleIdentity
        self.previousRules = previousRules.isEmpty ? nil : previousRules
        self.negativeControl = claim.negativeControl
        let (v, why) = Verdict.judge(checks)
        self.verdict = v
        self.verdictReason = why
        self.mode = run.mode
        self.masterSeed = run.seed
        self.seeds = results.seeds
        self.parameters = run.parameters
        self.facts = results.facts
        self.checks = checks
        self.fits = results.fits
        self.perSeed = results.perSeed
        self.series = results.series
        self.notes = results.notes
        self.versions = [:]
    }
}

/// A fitted rate with its interval.
public struct FitRecord: Sendable, Codable, Equatable {
    /// What was fitted, e.g. "greedy-linesearch decay constant".
    public var name: String
    /// "exponential", "power-law", "linear" or a claim-specific model name.
    public var model: String
    /// The x-window of the fit.
    public var window: [Double]
    /// The fitted quantity (rate, slope, exponent, gap).
    public var estimate: Double
    public var interval: ConfidenceInterval?
    public var rSquared: Double?
    /// Further named figures (e.g. the competing model's R²).
    public var extra: [String: Double]

    public init(name: String, model: String, window: [Double], estimate: Double, interval: ConfidenceInterval? = nil,
                rSquared: Double? = nil, extra: [String: Double] = [:]) {
        self.name = name
        self.model = model
        self.window = window
        self.estimate = estimate
        self.interval = interval
        self.rSquared = rSquared
        self.extra = extra
    }
}

/// One figure per seed, e.g. the fitted rate of each seed.
public struct PerSeedRecord: Sendable, Codable, Equatable {
    public var name: String
    public var seeds: [UInt64]
    public var values: [Double]

    public init(name: String, seeds: [UInt64], values: [Double]) {
        self.name = name
        self.seeds = seeds
        self.values = values
    }
}

/// A curve behind a plot (x against y), e.g. the pooled loss curve of one method.
public struct SeriesRecord: Sendable, Codable, Equatable {
    public var name: String
    public var x: [Double]
    public var y: [Double]

    public init(name: String, x: [Double], y: [Double]) {
        self.name = name
        self.x = x
        self.y = y
    }
}

/// What a claim's run returns: the record and, for text output, the report (plots, tables).
public struct ClaimResult: Sendable {
    public var record: ClaimRecord
    /// Plots and tables for the terminal; empty unless text was asked for.
    public var report: String
    /// Wall time of the run in seconds. Printed and put in `--report` documents, never in the record, which must
    /// be byte-identical for the same command and seed.
    public var wallTimeSeconds: Double

    public init(record: ClaimRecord, report: String, wallTimeSeconds: Double = 0) {
        self.record = record
        self.report = report
        self.wallTimeSeconds = wallTimeSeconds
    }
}
