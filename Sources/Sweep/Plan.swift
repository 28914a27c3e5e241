import Components
import Foundation

/// One run of a sweep: the subcommand at one grid point.
public struct SweepRun: Sendable, Codable, Equatable {
    /// Stable id: a hash of the subcommand, its arguments and the grid point (`RunID.of(arguments)`).
    public let id: String
    /// One value per grid axis, in axis order.
    public let point: [String]
    /// The subcommand's arguments for this point, without `--out` (which the sweep adds per run).
    public let arguments: [String]

    /// A run of `arguments` at `point`; its id is derived from the arguments.
    public init(point: [String], arguments: [String]) {
        self.id = RunID.of(arguments)
        self.point = point
        self.arguments = arguments
    }
}

/// Stable run ids.
public enum RunID {
    /// FNV-1a (64 bit) of the arguments joined by NUL, then MurmurHash3's finaliser (so ids of neighbouring points
    /// differ in every digit), as 16 hex digits: the same arguments give the same id on every machine.
    public static func of(_ arguments: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for (i, a) in arguments.enumerated() {
            if i > 0 { h = (h ^ 0) &* 0x0000_0100_0000_01b3 }
            for byte in a.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        h = (h ^ (h >> 33)) &* 0xff51_afd7_ed55_8ccd
        h = (h ^ (h >> 33)) &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Everything a sweep will run and merge, kept as `<out>/sweep.json` so a merge job (or a re-run) reads the same plan.
public struct SweepPlan: Sendable, Codable, Equatable {
    /// "workbench.sweep-plan/1".
    public var schema = "workbench.sweep-plan/1"
    /// The subcommand and its arguments, as given after `--`.
    public let command: [String]
    /// The grid, with values as passed to the subcommand.
    public let grid: [GridAxis]
    /// The axis the merge pools over (`seed` when the grid has one).
    public let replicate: String?
    /// The figures the merge summarises (see `FigureLookup`).
    public let figures: [String]
    /// The axis the merged figures are plotted against.
    public let by: String?
    /// Every run, in grid order (the last axis fastest).
    public let runs: [SweepRun]

    /// A plan; `runs` must be in grid order.
    public init(command: [String], grid: [GridAxis], replicate: String?, figures: [String], by: String?, runs: [SweepRun]) {
        self.command = command
        self.grid = grid
        self.replicate = replicate
        self.figures = figures
        self.by = by
        self.runs = runs
    }

    /// Reads a plan written by `SweepLayout.write(_:)`.
    public static func read(_ url: URL) throws -> SweepPlan {
        do {
            return try JSONDecoder().decode(SweepPlan.self, from: Data(contentsOf: url))
        } catch {
            throw InputError("cannot read the sweep plan \(url.path): \(error.localizedDescription)")
        }
    }
}

/// Where a sweep keeps its files under `--out`.
///
/// `sweep.json` the plan; `manifest.jsonl` one run per line (`{"argv":[…],"id":"…"}`), read by
/// `workbench sweep --run-task INDEX`; `runs/<id>/` the record of each run (the subcommand's own
/// file, written atomically); `logs/<id>.log` the output of local runs; `slurm/` the job scripts,
/// the submitted job ids and the Slurm logs; `merged.json` the merged record.
public struct SweepLayout: Sendable {
    /// The sweep's directory (absolute).
    public let root: URL

    /// The layout under `out` (made absolute).
    public init(_ out: String) {
        root = URL(fileURLWithPath: out).standardizedFileURL
    }

    /// `sweep.json`: the plan.
    public var plan: URL { root.appendingPathComponent("sweep.json") }
    /// `manifest.jsonl`: one run per line.
    public var manifest: URL { root.appendingPathComponent("manifest.jsonl") }
    /// `merged.json`: the merged record.
    public var merged: URL { root.appendingPathComponent("merged.json") }
    /// `slurm/`: job scripts and submitted job ids.
    public var slurm: URL { root.appendingPathComponent("slurm") }
    /// `slurm/logs/`: one log per array task and one for the merge job.
    public var slurmLogs: URL { slurm.appendingPathComponent("logs") }
    /// `runs/<id>/`: the run's `--out`.
    public func runDirectory(_ id: String) -> URL { root.appendingPathComponent("runs").appendingPathComponent(id) }
    /// `logs/<id>.log`: what a local run printed.
    public func log(_ id: String) -> URL { root.appendingPathComponent("logs").appendingPathComponent("\(id).log") }

    /// The subcommand's full argument list for `run`: its arguments and `--out runs/<id>`.
    public func argv(_ run: SweepRun) -> [String] { run.arguments + ["--out", runDirectory(run.id).path] }

    /// The run's record: the one complete JSON file in its directory (hidden temporary files are ignored), or nil.
    ///
    /// Records are written by rename, so a file that exists is whole; parsing it anyway guards against a
    /// file copied or truncated by hand.
    public func record(_ id: String) -> URL? {
        let dir = runDirectory(id)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return nil }
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let url = dir.appendingPathComponent(name)
            if let data = try? Data(contentsOf: url), (try? JSONDecoder().decode(JSONValue.self, from: data)) != nil { return url }
        }
        return nil
    }

    /// Writes the plan and the manifest (atomically; the same plan gives the same bytes).
    public func write(_ plan: SweepPlan) throws {
        try AtomicFile.writeJSON(plan, to: self.plan)
        try AtomicFile.write(Data(Manifest.text(plan.runs.map { ManifestEntry(id: $0.id, argv: argv($0)) }).utf8), to: manifest)
    }
}

/// One line of the manifest: a run's id and the argument vector it is executed with.
public struct ManifestEntry: Sendable, Codable, Equatable {
    /// The subcommand's arguments, `--out runs/<id>` included.
    public let argv: [String]
    /// The run id.
    public let id: String

    /// An entry.
    public init(id: String, argv: [String]) {
        self.id = id
        self.argv = argv
    }
}

/// The manifest: one JSON object per line, so newlines and quotes inside arguments stay escaped and no shell ever parses them.
public enum Manifest {
    /// The manifest text of `entries`.
    public static func text(_ entries: [ManifestEntry]) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return entries.map { String(decoding: (try? e.encode($0)) ?? Data(), as: UTF8.self) + "\n" }.joined()
    }

    /// Entry `index` (0-based line number) of the manifest at `url`.
    public static func entry(_ index: Int, in url: URL) throws -> ManifestEntry {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw InputError("cannot read the manifest \(url.path): \(error.localizedDescription)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard index >= 0, index < lines.count else { throw InputError("run index \(index) is outside the manifest (0...\(lines.count - 1))") }
        do {
            return try JSONDecoder().decode(ManifestEntry.self, from: Data(lines[index].utf8))
        } catch {
            throw InputError("line \(index + 1) of the manifest \(url.path) is not a run: \(error.localizedDescription)")
        }
    }
}
