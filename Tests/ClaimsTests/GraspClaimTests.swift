import ClaimKit
import Claims
import Testing

@Suite struct GraspClaimTests {
    @Test func gradientFlowClaimHoldsAndBothControlsFail() throws {
        let record = try GraspGradientFlowClaim().run(ClaimContext(seed: 1, mode: .quick)).record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        let controls = record.checks.filter { $0.role == .control }
        #expect(controls.count >= 2)
        #expect(controls.allSatisfy { !$0.satisfied })
    }
}
