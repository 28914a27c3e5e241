import Foundation
import Testing

/// Runs the built `workbench` binary as a user would, and captures what it prints and its exit status.
struct WorkbenchProcess {
    let status: Int32
    let stdout: String
    let stderr: String

    /// The executable sits next to the test bundle in SwiftPM's build directory.
    static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("workbench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let bundle = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("workbench")
        return bundle
    }

    static func run(_ args: [String], in directory: URL? = nil) throws -> WorkbenchProcess {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("wb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read before waiting so a large output cannot fill the pipe and deadlock.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return WorkbenchProcess(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary directory holding one file `name` with `text`; returns the directory.
    static func directory(with text: String, named name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return dir
    }

    /// stderr without empty lines.
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

@Suite struct CLIFoundationTests {
    @Test func unknownClaimExitsTwoWithOneLineNamingTheKnownClaims() throws {
        let r = try WorkbenchProcess.run(["verify", "nonsense"])
        #expect(r.status == 2)
        #expect(r.errorLines.count == 1)
        #expect(r.stderr.contains("nonsense") && r.stderr.contains("lapack-sanity"))
    }

    @Test func unknownSubcommandAndOptionExitTwo() throws {
        for args in [["frobnicate"], ["verify", "lapack-sanity", "--no-such-option"], ["verify", "lapack-sanity", "--seed", "abc"],
                     ["verify", "lapack-sanity", "--param", "kmax"], ["verify", "lapack-sanity", "--param", "bogus=1"],
                     ["verify", "lapack-sanity", "--param", "kmax=99"], ["verify", "lapack-sanity", "--quick", "--full"]] {
            let r = try WorkbenchProcess.run(args)
            #expect(r.status == 2, "\(args): status \(r.status)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func helpShowsExamplesAndExitsZero() throws {
        let r = try WorkbenchProcess.run(["verify", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Examples:"))
    }

    @Test func listNamesEveryRegisteredClaim() throws {
        let r = try WorkbenchProcess.run(["verify", "--list"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("lapack-sanity"))
    }

    @Test func lapackSanityHoldsWritesARecordAndIsDeterministic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-lapack-\(UUID().uuidString)")
        let a = try WorkbenchProcess.run(["verify", "lapack-sanity", "--quick", "--ascii", "--quiet", "--seed", "3"], in: dir)
        #expect(a.status == 0, "stdout: \(a.stdout)\nstderr: \(a.stderr)")
        #expect(a.stdout.contains("verdict: HOLDS"))
        #expect(a.stdout.contains("Cholesky backward"))
        let b = try WorkbenchProcess.run(["verify", "lapack-sanity", "--quick", "--ascii", "--quiet", "--seed", "3"], in: dir)
        #expect(a.stdout == b.stdout)
        let data = try Data(contentsOf: dir.appendingPathComponent("results/lapack-sanity.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["schema"] as? String == "workbench.claim/2")
        #expect(json["verdict"] as? String == "holds")
        #expect((json["checks"] as? [Any])?.count == 3)
        // No temporary file is left behind by the atomic write.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("results").path)
        #expect(left == ["lapack-sanity.json"])
    }

    @Test func jsonOutputIsTheRecord() throws {
        let r = try WorkbenchProcess.run(["verify", "lapack-sanity", "--quick", "--json", "--quiet"])
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["claim"] as? String == "lapack-sanity")
        let fits = try #require(json["fits"] as? [[String: Any]])
        let backward = try #require(fits.first { ($0["name"] as? String) == "Cholesky backward slope" })
        let slope = try #require(backward["estimate"] as? Double)
        #expect(abs(slope) < 0.1)
    }
}
