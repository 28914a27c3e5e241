import Components
import Foundation
import Statistics

/// Does the gradient norm after pruning predict how well the pruned network trains? G/G₀ at initialisation
/// (GradientFlowStudy) beside the test accuracy and the training loss of the same masks after training.
public struct FlowTrainability: Sendable {
    /// One (seed, criterion, density) cell: its gradient flow at initialisation and how it trained.
    public struct Cell: Sendable, Equatable {
        public var seedIndex: Int
        public var method: String
        public var density: Double
        /// G/G₀ at the study's temperature, every weight position (GraSP's quantity).
        public var gradientRatio: Double
        public var testAccuracy: Double
        /// Mean training loss per epoch.
        public var trainLoss: [Double]
        public var divergence: Divergence?
    }

    /// The outcome measures a correlation is taken against, each oriented so that larger is more trainable.
    public enum Outcome: String, Sendable, CaseIterable {
        case testAccuracy = "test accuracy"
        case lossAfter1 = "training loss after epoch 1"
        case lossAfter5 = "training loss after epoch 5"

        /// The cell's value, larger = more trainable (losses negated); nan when the run was shorter.
        public func value(_ c: Cell) -> Double {
            switch self {
            case .testAccuracy: return c.testAccuracy
            case .lossAfter1: return c.trainLoss.count >= 1 ? -c.trainLoss[0] : .nan
            case .lossAfter5: return c.trainLoss.count >= 5 ? -c.trainLoss[4] : .nan
            }
        }
    }

    public var study: GradientFlowStudy

    public init(study: GradientFlowStudy) { self.study = study }

    /// Every cell over `seeds`: the gradient study per seed, then every (criterion, density, seed) trained.
    public func run(seeds: [UInt64], workers: Int, progress: ProgressReporter = .silent, label: String) throws -> [Cell] {
        let rows = try ParallelRuns.map(seeds.count, workers: workers) { k in try study.run(seed: seeds[k]) }
        let runs = try PruningArms.run(study.experiment, arms: study.methods.map { $0 }, densities: study.densities, seeds: seeds,
                                       workers: workers, progress: progress, label: label)
        return runs.map { r in
            let row = rows[r.seedIndex].first { $0.method == r.method && $0.density == r.density }
            return Cell(seedIndex: r.seedIndex, method: r.method, density: r.density, gradientRatio: row?.ratio ?? .nan,
                        testAccuracy: r.testAccuracy, trainLoss: r.trainLoss, divergence: r.divergence)
        }
    }

    /// Per seed: the Spearman correlation over criteria between G/G₀ and `outcome` at each density, averaged over the
    /// densities (nan where every criterion tied). Within a density the budget is fixed, so density cannot drive it.
    public static func withinDensityRho(_ cells: [Cell], outcome: Outcome, seeds: Int, densities: [Double],
                                        gradient: (Cell) -> Double = { $0.gradientRatio }) -> [Double] {
        (0..<seeds).map { s in
            let rhos = densities.compactMap { d -> Double? in
                let at = cells.filter { $0.seedIndex == s && $0.density == d }
                let r = Descriptive.spearman(at.map(gradient), at.map(outcome.value))
                return r.isFinite ? r : nil
            }
            return rhos.isEmpty ? .nan : Descriptive.mean(rhos)
        }
    }

    /// Per seed: the Spearman correlation over every (criterion, density) cell, densities pooled (density drives both sides).
    public static func pooledRho(_ cells: [Cell], outcome: Outcome, seeds: Int) -> [Double] {
        (0..<seeds).map { s in
            let at = cells.filter { $0.seedIndex == s }
            return Descriptive.spearman(at.map(\.gradientRatio), at.map(outcome.value))
        }
    }
}
