import Components
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import SparseNets

/// The contract every catalogued pruning score keeps; a score is tested here the moment it is registered.
@Suite("Pruning catalogue contract")
struct PruningCatalogContractTests {
    /// A small MLP and CNN on 8×8 single-channel inputs with a 20-sample pruning batch over 10 classes.
    static func networks() throws -> [(String, MaskedNetwork, TrainingData)] {
        let batch = try Fixtures.data(features: 64, classes: 10, count: 20, seed: 4)
        return [
            ("mlp", try MaskedNetwork(.mlp(hidden: [32, 16]), inputSize: 64, classCount: 10, stream: RandomStream(seed: 6)), batch),
            ("cnn", try MaskedNetwork(.cnn(channels: [4, 6], pooling: true), inputSize: 64, classCount: 10, stream: RandomStream(seed: 6)), batch),
        ]
    }

    /// The score at its declared defaults, except fewer SynFlow-style rounds so the contract stays fast.
    static func configured(_ name: String) throws -> any PruningScore {
        let t = try PruningCatalog.all.named(name)
        let fast = t.parameters.contains { $0.name == "rounds" } ? ["rounds": "10"] : [:]
        return try PruningCatalog.score(named: name, overrides: fast)
    }

    @Test("keeps exactly round(d·N) weights at every density, on an MLP and a CNN", arguments: PruningCatalog.all.names)
    func exactCount(_ name: String) throws {
        let score = try Self.configured(name)
        for (kind, net, batch) in try Self.networks() {
            for density in [0.5, 0.2, 0.05, 0.01, 0.003] {
                let masks = try score.masks(PruningContext(network: net, batch: batch, stream: RandomStream(seed: 2)), density: density)
                let kept = masks.reduce(0) { $0 + Int($1.storage.reduce(0, +)) }
                #expect(kept == Int((density * Double(net.prunableCount)).rounded()), "\(name) on the \(kind) at density \(density): kept \(kept)")
                #expect(masks.allSatisfy { $0.storage.allSatisfy { $0 == 0 || $0 == 1 } })
            }
        }
    }

    @Test("is deterministic: the same network, batch and stream give identical masks", arguments: PruningCatalog.all.names)
    func deterministic(_ name: String) throws {
        let score = try Self.configured(name)
        for (kind, net, batch) in try Self.networks() {
            let a = try score.masks(PruningContext(network: net, batch: batch, stream: RandomStream(seed: 9)), density: 0.1)
            let b = try score.masks(PruningContext(network: net, batch: batch, stream: RandomStream(seed: 9)), density: 0.1)
            #expect(a == b, "\(name) on the \(kind)")
        }
    }

    @Test("declares a name, a summary, and defaults inside their domains that configure the score", arguments: PruningCatalog.all.names)
    func declaration(_ name: String) throws {
        let t = try PruningCatalog.all.named(name)
        #expect(t.name == name && !t.summary.isEmpty)
        #expect(Set(t.parameters.map(\.name)).count == t.parameters.count)
        for p in t.parameters {
            for mode in RunMode.allCases {
                let v = try #require(p.defaultValue(in: mode), "\(name).\(p.name) has no default in \(mode)")
                try p.check(v)
            }
        }
        let resolved = try ParameterValues(resolving: t.parameters, owner: "pruning score '\(name)'")
        #expect(resolved.names == t.parameters.map(\.name).sorted())
        #expect(t.init(parameters: resolved).name == name)
        #expect(t.withDefaults().name == name)
    }

    @Test("--set overrides reach every selected score that declares the key; a key none declares is bad input")
    func overrides() throws {
        let (scores, values) = try PruningCatalog.scores("grasp,reverse-grasp,synflow", overrides: ["temperature": "50", "rounds": "7"])
        #expect((scores[0] as? GraSPScore)?.temperature == 50)
        #expect((scores[1] as? ReverseGraSPScore)?.temperature == 50)
        #expect((scores[2] as? SynFlowScore)?.rounds == 7)
        #expect(values == ParameterValues(["temperature": .real(50), "rounds": .int(7)]))
        #expect(try PruningCatalog.scores("snip", overrides: [:]).parameters == ParameterValues())
        #expect(throws: InputError.self) { try PruningCatalog.scores("snip,random", overrides: ["temperature": "50"]) }
        #expect(throws: InputError.self) { try PruningCatalog.scores("grasp", overrides: ["rounds": "7"]) }
        #expect(throws: InputError.self) { try PruningCatalog.scores("grasp", overrides: ["temperature": "0"]) }
        #expect(throws: InputError.self) { try PruningCatalog.scores("grasp,grasp", overrides: [:]) }
        #expect(try PruningCatalog.scores("all").scores.map(\.name) == PruningCatalog.all.names)
    }
}
