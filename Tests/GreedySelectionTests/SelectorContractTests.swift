import Components
import Foundation
import Randomness
import Testing
@testable import GreedySelection

/// The contract every registered selector meets; a selector added to `SelectorCatalog.all` is tested here at once.
@Suite struct SelectorContractTests {
    /// A small instance with held-out inputs: big enough that no selector is done before `steps`, small enough to be quick.
    static func problem() throws -> AtomProblem {
        try GreedyInstance(dimension: 3, inputs: 6, width: 80, activation: .tanh, heldOutInputs: 7).build(stream: RandomStream(seed: 41))
    }

    static let steps = 60

    static func selector(_ name: String) throws -> any GreedySelection.Selector.Type { try SelectorCatalog.all.named(name) }

    @Test(arguments: SelectorCatalog.all.names)
    func defaultsLieInTheirDomainsAndResolve(name: String) throws {
        let s = try Self.selector(name)
        #expect(!s.summary.isEmpty)
        for p in s.parameters {
            for mode in RunMode.allCases {
                let v = try #require(p.defaultValue(in: mode), "\(name).\(p.name) has no default in \(mode)")
                try p.check(v)
            }
        }
        let values = try ParameterValues(resolving: s.parameters, owner: "selector '\(name)'")
        #expect(values.names == s.parameters.map(\.name).sorted())
        #expect(s.defaults == values)
        // `--set` is shared with the instance, so a selector parameter may not reuse an instance or experiment name.
        let shared = Set((GreedyInstance.parameters + [GreedyInstance.trainedParameter, DecayExperiment.stepsParameter, DecayExperiment.seedsParameter]).map(\.name))
        #expect(s.parameters.allSatisfy { !shared.contains($0.name) }, "\(name) reuses an instance parameter name")
    }

    @Test(arguments: SelectorCatalog.all.names)
    func deterministicForAFixedStreamWithStepsFiniteEntries(name: String) throws {
        let s = try Self.selector(name), p = try Self.problem()
        let a = try s.run(on: p, steps: Self.steps, stream: RandomStream(seed: 5))
        let b = try s.run(on: p, steps: Self.steps, stream: RandomStream(seed: 5))
        #expect(a.selector == name)
        #expect(a.loss == b.loss && a.chosen == b.chosen && a.stepSize == b.stepSize && a.distinct == b.distinct)
        #expect(a.heldOutLoss == b.heldOutLoss)
        #expect(a.count == Self.steps)
        #expect(a.loss.allSatisfy { $0.isFinite && $0 >= 0 })
        #expect(a.heldOutLoss.count == Self.steps && a.heldOutLoss.allSatisfy(\.isFinite))
        #expect(a.chosen.allSatisfy { (0..<p.neuronCount).contains($0) })
        #expect(a.distinct.allSatisfy { $0 >= 1 && $0 <= p.neuronCount })
        // The recorded loss is the loss of the state, not a running estimate of it.
        #expect(a.loss[0] > 0)
    }

    @Test(arguments: SelectorCatalog.all.entries.filter { $0.isMonotone }.map { $0.name })
    func monotoneSelectorsNeverIncreaseTheLoss(name: String) throws {
        let s = try Self.selector(name)
        for seed in UInt64(1)...3 {
            let p = try GreedyInstance(dimension: 3, inputs: 10, width: 200, activation: .tanh, heldOutInputs: 0).build(stream: RandomStream(seed: seed))
            let t = try s.run(on: p, steps: 150, stream: RandomStream(seed: seed))
            for k in 1..<t.count {
                #expect(t.loss[k] <= t.loss[k - 1] * (1 + 1e-12), "\(name) seed \(seed) step \(k + 1): \(t.loss[k - 1]) → \(t.loss[k])")
            }
        }
    }

    @Test(arguments: SelectorCatalog.all.entries.filter { $0.recordsCertificate }.map { $0.name })
    func certificateSelectorsFillTheCertificate(name: String) throws {
        let s = try Self.selector(name), p = try Self.problem()
        let t = try s.run(on: p, steps: Self.steps, stream: RandomStream(seed: 3))
        #expect(t.certificateW.count == Self.steps && t.certificateD.count == Self.steps)
        for k in 0..<t.count where t.loss[k] > 0 {
            #expect(t.certificateW[k].isFinite && t.certificateD[k].isFinite && t.certificateD[k] > 0, "\(name) step \(k + 1)")
        }
        #expect(t.certifiedFactor.prefix(10).allSatisfy { $0 > 0 && $0 <= 1 })
    }

    @Test func theStandardSetIsEveryNonControlInCatalogueOrder() throws {
        #expect(SelectorCatalog.standard.map { $0.name } == SelectorCatalog.all.entries.filter { !$0.isControl }.map { $0.name })
        #expect(SelectorCatalog.all.entries.contains { $0.isControl })
        #expect(try SelectorCatalog.list("all").map { $0.name } == SelectorCatalog.standard.map { $0.name })
    }

    @Test func sharedSettingsReachTheSelectorsThatDeclareThemAndUnknownKeysAreRejected() throws {
        let types: [any GreedySelection.Selector.Type] = [GreedyLineSearchSelector.self, FullyCorrectiveSelector.self]
        let configured = try ConfiguredSelector.resolve(types, settings: ["stop_loss": "1e-20", "N": "300"], shared: GreedyInstance.parameters)
        #expect(configured[1].parameters.real("stop_loss") == 1e-20)
        #expect(configured[0].parameters.names.isEmpty)
        #expect(ConfiguredSelector.recorded(configured) == ["fully-corrective.stop_loss": .real(1e-20)])
        #expect(throws: InputError.self) { try ConfiguredSelector.resolve(types, settings: ["bogus": "1"], shared: GreedyInstance.parameters) }
        #expect(throws: InputError.self) { try ConfiguredSelector.resolve(types, settings: ["stop_loss": "-1"], shared: []) }
        // A key only a selector that is not selected declares is not silently dropped.
        #expect(throws: InputError.self) { try ConfiguredSelector.resolve([GreedyLineSearchSelector.self], settings: ["stop_loss": "0"], shared: []) }
    }

    @Test func instanceParametersAreDeclaredOnceAndBuildTheStandardInstance() throws {
        let standard = try GreedyInstance.standard()
        #expect(standard.width == GreedyInstance.defaults.int("N") && standard.inputs == GreedyInstance.defaults.int("M"))
        #expect(standard.dimension == 3 && standard.activation == .tanh && standard.heldOutInputs == 200 && !standard.trainedOutput)
        var overrides = ["N": "300", "activation": "relu", "trained": "true"]
        let declared = GreedyInstance.parameters + [GreedyInstance.trainedParameter]
        let custom = try GreedyInstance(ParameterValues(resolving: declared, overrides: overrides, owner: "test"))
        #expect(custom.width == 300 && custom.activation == .relu && custom.trainedOutput)
        overrides["N"] = "0"
        #expect(throws: InputError.self) { try ParameterValues(resolving: declared, overrides: overrides, owner: "test") }
        // Without `heldout` in the list (the rate claim, sweeps) the instance has no held-out inputs.
        #expect(try GreedyInstance(ParameterValues(resolving: GreedyInstance.networkParameters, owner: "test")).heldOutInputs == 0)
    }
}
