import ClaimKit
import Components
import Foundation
import Testing

@Suite struct VerdictTests {
    private func check(_ role: Check.Role, _ ok: Bool) -> Check {
        Check("c", role: role, rule: "r", satisfied: ok, detail: "d")
    }

    @Test func holdsOnlyWhenPrimariesPassAndControlsFail() {
        #expect(Verdict.judge([check(.primary, true), check(.control, false)]).verdict == .holds)
        #expect(Verdict.judge([check(.primary, false), check(.control, false)]).verdict == .violated)
    }

    @Test func aPassingControlMakesTheCheckMeaningless() {
        // Even with every primary check passing, a passing control means the rule cannot fail.
        #expect(Verdict.judge([check(.primary, true), check(.control, true)]).verdict == .cannotFail)
        #expect(Verdict.cannotFail.exitCode == 1)
    }

    @Test func regimeBoundaryComesBeforePrimaryChecks() {
        let v = Verdict.judge([check(.primary, true), check(.regime, false), check(.control, false)])
        #expect(v.verdict == .regimeNotReached)
        #expect(v.verdict.exitCode == 1)
    }

    @Test func atomicWriteLeavesOnlyTheFinalFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-atomic-\(UUID().uuidString)")
        let url = dir.appendingPathComponent("x.json")
        try AtomicFile.writeJSON(["b": 2, "a": 1], to: url)
        try AtomicFile.writeJSON(["b": 3, "a": 1], to: url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["x.json"])
        // Sorted keys make the output byte-stable.
        #expect(try String(contentsOf: url, encoding: .utf8) == "{\n  \"a\" : 1,\n  \"b\" : 3\n}\n")
    }
}
