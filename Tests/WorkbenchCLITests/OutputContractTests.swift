import Foundation
import Testing
import TestSupport

/// Every command writes one complete record to `--out`, atomically, and it is what `--json` prints.
@Suite struct OutputContractTests {
    /// A cheap invocation of every command that writes a record. A new command adds one line here.
    static let invocations: [[String]] = [
        ["verify", "lapack-sanity", "--quick"],
        ["greedy", "decay", "--set", "N=100", "--set", "n_max=30", "--set", "seeds=2"],
        ["greedy", "sweep", "N=60,100", "--set", "n_max=30", "--set", "seeds=2"],
        ["greedy", "tolerance", "--epsilon", "1e-3", "--set", "N=100", "--set", "n_max=30", "--set", "seeds=2"],
        ["greedy", "prune-mlp", "--hidden", "16", "--keep", "4,8"],
        ["prune", "--method", "random", "--sparsity", "0.5", "--epochs", "1", "--net", "mlp:16"],
        ["bilevel", "--algo", "mrbo,aid-cg", "--budget", "5000"],
    ]

    static func records(in dir: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
    }

    @Test(arguments: invocations) func theRecordInOutIsWhatJSONPrintsAndTheTextRunWritesTheSame(args: [String]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("wb-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let a = base.appendingPathComponent("json"), b = base.appendingPathComponent("text")
        let json = try WorkbenchProcess.run(args + ["--json", "--quiet", "--out", a.path])
        #expect(json.status == 0, "\(args): \(json.stderr)")
        let filesA = try Self.records(in: a)
        try #require(filesA.count == 1, "\(args): \(filesA.count) records")
        let bytes = try Data(contentsOf: filesA[0])
        #expect(bytes == Data(json.stdout.utf8), "\(args): the record differs from --json")
        #expect(try JSONSerialization.jsonObject(with: bytes) is [String: Any])

        let text = try WorkbenchProcess.run(args + ["--ascii", "--out", b.path])
        #expect(text.status == 0)
        #expect(!text.stdout.isEmpty && !text.stdout.hasPrefix("{"))
        let filesB = try Self.records(in: b)
        try #require(filesB.count == 1)
        // Presentation flags do not change the run's identity, nor its record: a second run of the same command
        // and seed writes the same bytes (records hold no wall times).
        #expect(filesB[0].lastPathComponent == filesA[0].lastPathComponent)
        #expect(try Data(contentsOf: filesB[0]) == bytes, "\(args): two runs of the same command wrote different records")
        #expect(text.stderr.contains(filesB[0].lastPathComponent), "the record's path is named on stderr")
    }

    @Test(arguments: invocations) func aRewriteReplacesTheRecordInsteadOfOverwritingIt(args: [String]) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try WorkbenchProcess.run(args + ["--quiet", "--json", "--out", dir.path]).status == 0)
        let record = try #require(try Self.records(in: dir).first)
        let before = try Data(contentsOf: record)
        let link = dir.appendingPathComponent("before.link")
        try FileManager.default.linkItem(at: record, to: link)
        // Written in place, the file would keep its inode and the link would follow the new bytes.
        #expect(try WorkbenchProcess.run(args + ["--quiet", "--json", "--out", dir.path]).status == 0)
        #expect(try Data(contentsOf: link) == before)
        let inodeOld = try FileManager.default.attributesOfItem(atPath: link.path)[.systemFileNumber] as? Int
        let inodeNew = try FileManager.default.attributesOfItem(atPath: record.path)[.systemFileNumber] as? Int
        #expect(inodeOld != inodeNew, "the record was rewritten in place")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func aRunKilledMidWayLeavesTheEarlierCompleteRecord() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try WorkbenchProcess.run(["verify", "lapack-sanity", "--quick", "--quiet", "--out", dir.path]).status == 0)
        let record = dir.appendingPathComponent("lapack-sanity.json")
        let first = try Data(contentsOf: record)
        // A longer run of the same claim writes the same file; kill it at staggered moments.
        for delay in [0.05, 0.2, 0.4, 0.8] {
            let p = Process()
            p.executableURL = WorkbenchProcess.executable
            p.arguments = ["verify", "lapack-sanity", "--param", "seeds=40", "--param", "n=200", "--quiet", "--out", dir.path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let now = try Data(contentsOf: record)
            let object = try JSONSerialization.jsonObject(with: now) as? [String: Any]
            #expect(object?["claim"] as? String == "lapack-sanity", "after a kill at \(delay) s the record is not complete")
            #expect(now == first || (object?["parameters"] as? [String: Any])?["seeds"] as? Int == 40)
        }
    }
}
