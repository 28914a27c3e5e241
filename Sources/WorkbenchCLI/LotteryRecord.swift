import Components
import Datasets
import SparseNets
import Statistics

/// Mean and 95% t-interval of one arm's held-out accuracy over the seeds (fractions).
struct LotteryArmSummary: Codable {
    var arm: String
    /// Per seed (NaN where the run diverged or the round was not reached).
    var accuracy: [Double]
    var mean: Double
    /// Half-width of the 95% t-interval of the mean (0 for one seed).
    var halfWidth: Double

    init(arm: String, accuracy: [Double]) {
        self.arm = arm
        self.accuracy = accuracy
        let finite = accuracy.allSatisfy(\.isFinite) && !accuracy.isEmpty
        mean = finite ? Descriptive.mean(accuracy) : .nan
        if finite, let ci = try? ConfidenceInterval(tOver: accuracy) { halfWidth = (ci.upper - ci.lower) / 2 } else { halfWidth = finite ? 0 : .nan }
    }
}

/// One paired gap in the record, in accuracy points.
struct LotteryGapRecord: Codable {
    /// "ticket-dense", "ticket-reinit", "rewind-reinit", "random-reinit", "rewind-ticket".
    var name: String
    var values: [Double]
    var mean: Double
    var sd: Double
    var positive: Int

    init(_ name: String, _ g: PairedGap) {
        self.name = name
        values = g.values
        mean = g.mean
        sd = g.sd
        positive = g.positive
    }
}

/// One round of one panel.
struct LotteryRoundRecord: Codable {
    var round: Int
    var density: Double
    /// Kept weights per layer of the IMP mask (first seed; with the global rule seeds may split the same total differently).
    var keptPerLayer: [Int]
    var arms: [LotteryArmSummary]
    var gaps: [LotteryGapRecord]
    var verdict: TicketVerdict
}

/// One configuration (network × epochs × learning rate).
struct LotteryPanelRecord: Codable {
    var net: String
    var lr: Double
    var epochs: Int
    var layers: [String]
    var prunablePerLayer: [Int]
    var dense: LotteryArmSummary
    /// Per seed: max − min of the dense run's validation accuracy over the last 25% of epochs (points).
    var densePlateauSpread: [Double]
    var densePlateaued: Bool
    /// Per seed: the dense run's validation accuracy after every epoch.
    var denseValidationCurves: [[Double]]
    var rounds: [LotteryRoundRecord]
}

/// The record of one `workbench lottery` run (schema "workbench.lottery/1", documented in the README).
struct LotteryRecord: CommandRecord {
    var schema = "workbench.lottery/1"
    /// Every setting in force: nets, lrs, epochs, arms, seeds (count), the IMP procedure, the verdict's criteria and the training recipe.
    var parameters: ParameterValues
    /// The per-run seeds derived from the master seed.
    var seeds: [UInt64]
    var data: [DataProvenance]
    var dataPolicy: String
    /// Train / validation / test sizes.
    var samples: [Int]
    /// "validation+test" (or "validation" when the data have no test part).
    var evaluatedOn: String
    var panels: [LotteryPanelRecord]
    /// Runs whose training blew up (the command then exits 1).
    var divergences: [Divergence]
    /// The --model file θ₀ was read from; absent for a random initialisation.
    var model: ModelProvenance?
    var versions: [String: String]

    /// The gaps every round reports, as (record name, arm a, arm b).
    static let gapPairs: [(String, String, String)] = [
        ("ticket-dense", "ticket", "dense"), ("ticket-reinit", "ticket", "reinit"), ("rewind-reinit", "rewind", "reinit"),
        ("random-reinit", "random", "reinit"), ("rewind-ticket", "rewind", "ticket"),
    ]

    static func panel(_ p: LotteryPanel, criteria: TicketCriteria, layers: [String]) -> LotteryPanelRecord {
        let rounds = p.rounds.map { r -> LotteryRoundRecord in
            let gaps = gapPairs.filter { _, a, b in (p.arms + ["dense"]).contains(a) && (p.arms + ["dense"]).contains(b) }
                .map { name, a, b in LotteryGapRecord(name, p.gap(a, b, round: r)) }
            return LotteryRoundRecord(round: r, density: p.density(round: r), keptPerLayer: p.kept(round: r),
                                      arms: p.arms.map { LotteryArmSummary(arm: $0, accuracy: p.accuracies($0, round: r)) },
                                      gaps: gaps, verdict: p.verdict(round: r, criteria: criteria))
        }
        return LotteryPanelRecord(net: p.architecture.description, lr: p.recipe.optimizer.learningRate, epochs: p.recipe.epochs,
                                  layers: layers, prunablePerLayer: p.seeds.first?.rounds.first?.sizes ?? [],
                                  dense: LotteryArmSummary(arm: "dense", accuracy: p.accuracies("dense", round: 0)),
                                  densePlateauSpread: p.plateauSpreads, densePlateaued: p.densePlateaued(criteria),
                                  denseValidationCurves: p.seeds.map(\.dense.validationCurve), rounds: rounds)
    }

    /// One row per (panel, round, arm, seed), dense included once per panel as round 0.
    var csv: String {
        var out = "net,lr,epochs,round,density,arm,seed,accuracy\n"
        for p in panels {
            for (k, a) in p.dense.accuracy.enumerated() { out += "\"\(p.net)\",\(p.lr),\(p.epochs),0,1.0,dense,\(seeds[k]),\(a)\n" }
            for r in p.rounds {
                for arm in r.arms {
                    for (k, a) in arm.accuracy.enumerated() { out += "\"\(p.net)\",\(p.lr),\(p.epochs),\(r.round),\(r.density),\(arm.arm),\(seeds[k]),\(a)\n" }
                }
            }
        }
        return out
    }
}
