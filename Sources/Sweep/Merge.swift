import Components
import Foundation
import Statistics

/// The merged record of a sweep (schema "workbench.sweep/1"): every run, and per grid point the figures over the replicates.
///
/// It holds nothing that depends on where or how the runs executed (no paths outside the sweep
/// directory, no engine, no timings), so the local pool and a Slurm array give the same bytes.
public struct SweepRecord: Sendable, Codable, Equatable {
    /// "workbench.sweep/1".
    public var schema = "workbench.sweep/1"
    /// The subcommand and its arguments, as given after `--`.
    public var command: [String]
    /// The grid, with the values passed to the subcommand.
    public var grid: [GridAxis]
    /// The axis pooled over (`seed`), if the grid has it.
    public var replicate: String?
    /// The axis the figures are plotted against.
    public var by: String?
    /// The figures summarised.
    public var figures: [String]
    /// Every run in grid order: its id, its grid point and its record file, relative to the sweep directory.
    public var runs: [Run]
    /// One entry per grid point without the replicate axis, in grid order.
    public var points: [Point]

    /// One run.
    public struct Run: Sendable, Codable, Equatable {
        /// The run id.
        public var id: String
        /// Its grid values (numbers where they are numbers).
        public var point: ParameterValues
        /// Its record, relative to the sweep directory (`runs/<id>/<file>.json`).
        public var record: String
    }

    /// A grid point (without the replicate axis) and its figures over the replicates.
    public struct Point: Sendable, Codable, Equatable {
        /// The grid values but the replicate's.
        public var point: ParameterValues
        /// The runs pooled, in grid order.
        public var runs: [String]
        /// One summary per figure, in `--figure` order.
        public var figures: [Summary]
    }

    /// One figure at one grid point: the value of each run ("nan" where its record lacks it), their mean and 95% t-interval.
    public struct Summary: Sendable, Codable, Equatable {
        /// The figure's name as given.
        public var figure: String
        /// One value per pooled run.
        public var values: [Double]
        /// Finite values.
        public var n: Int
        /// Their mean (absent with none).
        public var mean: Double?
        /// The 95% t-interval's ends (absent with fewer than two values).
        public var lower: Double?
        /// See `lower`.
        public var upper: Double?
    }
}

/// Merging a sweep's run records.
public enum SweepMerge {
    /// The merged record of `plan`'s runs under `layout`; a missing record or a figure found in no record is bad input.
    public static func merge(_ plan: SweepPlan, layout: SweepLayout) throws -> SweepRecord {
        let keys = plan.grid.map(\.key)
        var runs = [SweepRecord.Run](), values = [[Double]](), missing = [SweepRun]()
        var firstRecord: JSONValue?
        for run in plan.runs {
            guard let url = layout.record(run.id) else { missing.append(run); continue }
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
            if firstRecord == nil { firstRecord = json }
            var row = [Double]()
            for f in plan.figures {
                do { row.append(try FigureLookup.value(f, in: json) ?? .nan) } catch {
                    throw InputError("run \(run.id): \(error.description)")
                }
            }
            values.append(row)
            runs.append(.init(id: run.id, point: typed(zip(keys, run.point)),
                              record: "runs/\(run.id)/\(url.lastPathComponent)"))
        }
        guard missing.isEmpty else {
            let first = missing.prefix(3).map { "\($0.id) (\(describe(keys, $0.point)))" }.joined(separator: ", ")
            throw InputError("\(missing.count) of \(plan.runs.count) runs have no record yet: \(first)\(missing.count > 3 ? ", …" : "")")
        }
        for (j, f) in plan.figures.enumerated() where !values.contains(where: { !$0[j].isNaN }) {
            let offered = firstRecord.map { FigureLookup.candidates(in: $0) } ?? []
            throw InputError("figure '\(f)' is in no record (figures in the records: \(offered.prefix(30).joined(separator: ", ")))")
        }

        // Group the runs by their point without the replicate axis, groups in order of first appearance.
        let kept = keys.indices.filter { keys[$0] != plan.replicate }
        var order = [[String]](), members = [[String]: [Int]]()
        for (i, run) in plan.runs.enumerated() {
            let g = kept.map { run.point[$0] }
            if members[g] == nil { order.append(g) }
            members[g, default: []].append(i)
        }
        let points = order.map { g -> SweepRecord.Point in
            let idx = members[g] ?? []
            let figures = plan.figures.enumerated().map { j, f in summary(f, idx.map { values[$0][j] }) }
            return .init(point: typed(zip(kept.map { keys[$0] }, g)), runs: idx.map { plan.runs[$0].id }, figures: figures)
        }
        return SweepRecord(command: plan.command, grid: plan.grid, replicate: plan.replicate, by: plan.by, figures: plan.figures,
                           runs: runs, points: points)
    }

    /// Mean and 95% t-interval of the finite values.
    static func summary(_ figure: String, _ v: [Double]) -> SweepRecord.Summary {
        let finite = v.filter(\.isFinite)
        var s = SweepRecord.Summary(figure: figure, values: v, n: finite.count)
        if !finite.isEmpty { s.mean = finite.reduce(0, +) / Double(finite.count) }
        if finite.count >= 2, let ci = try? ConfidenceInterval(tOver: finite) {
            s.mean = ci.estimate
            s.lower = ci.lower
            s.upper = ci.upper
        }
        return s
    }

    /// Grid values typed for the record: integers and finite reals as JSON numbers, anything else as text.
    static func typed<S: Sequence>(_ pairs: S) -> ParameterValues where S.Element == (String, String) {
        var out = [String: ParameterValue]()
        for (k, v) in pairs {
            if let i = Int(v) { out[k] = .int(i) }
            else if let d = Double(v), d.isFinite, v.allSatisfy({ !$0.isWhitespace }) { out[k] = .real(d) }
            else { out[k] = .text(v) }
        }
        return ParameterValues(out)
    }

    /// "N=100 seed=2".
    public static func describe(_ keys: [String], _ point: [String]) -> String {
        zip(keys, point).map { "\($0)=\($1)" }.joined(separator: " ")
    }
}
