import Components
import Datasets
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import SparseNets

/// Dynamic sparse training: the distributions' budgets, the update plan, and the hard invariants of every mask update.
@Suite("Sparse training")
struct SparseTrainingTests {
    static let mlpShapes: [LayerShape] = {
        // The prototype's MLP 64-256-256-10.
        [DenseLayer(inputs: 64, outputs: 256), DenseLayer(inputs: 256, outputs: 256), DenseLayer(inputs: 256, outputs: 10)].map(LayerShape.init)
    }()

    static func cnnShapes() throws -> [LayerShape] {
        try NetworkSpec.smallCNN.build(inputSize: 64, classCount: 10, stream: RandomStream(seed: 1)).layerShapes
    }

    // MARK: distributions

    @Test("kept weights total round((1 − S)·N), no layer exceeds density 1, capped layers are dense, the rest follow ε·ρ",
          arguments: DistributionCatalog.all.names)
    func distributionBudget(_ name: String) throws {
        for denseFirst in name == "uniform" ? ["false", "true"] : ["false"] {
            let overrides = name == "uniform" ? ["dense-first": denseFirst] : [:]
            let d = try DistributionCatalog.distribution(named: name, overrides: overrides).distribution
            for layers in [Self.mlpShapes, try Self.cnnShapes()] {
                let rho = d.relativeDensities(layers)
                for s in [0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.995] {
                    guard let a = try? DistributionSolver.allocate(d, layers: layers, sparsity: s) else {
                        // Only a layer kept dense by choice can make the budget unreachable.
                        #expect(denseFirst == "true" && Double(layers[0].weights) > (1 - s) * Double(layers.reduce(0) { $0 + $1.weights }))
                        continue
                    }
                    #expect(abs(Double(a.totalNonZeros) - a.target) <= 0.5, "\(name) S=\(s): \(a.totalNonZeros) vs \((1 - s)) · N")
                    #expect(a.densities.allSatisfy { $0 >= 0 && $0 <= 1 })
                    for l in a.capped { #expect(a.nonZeros[l] == layers[l].weights) }
                    for l in layers.indices where !a.capped.contains(l) && !a.denseByChoice.contains(l) {
                        #expect(a.epsilon * rho[l] <= 1 + 1e-12)
                        #expect(abs(Double(a.nonZeros[l]) - a.epsilon * rho[l] * Double(layers[l].weights)) < 1, "\(name) S=\(s) layer \(l)")
                    }
                    if denseFirst == "true" { #expect(a.nonZeros[0] == layers[0].weights && a.denseByChoice == [0]) }
                }
            }
        }
    }

    @Test("ERK on the small CNN at 90% makes the first conv and the fc dense and reports them; uniform with a dense first layer leaves the fc 30 weights at 95%")
    func cappedLayersReported() throws {
        let layers = try Self.cnnShapes()
        #expect(layers.reduce(0) { $0 + $1.weights } == 24_904)
        #expect(Int(layers.reduce(0.0) { $0 + Double($1.weights * $1.positions) }) == 226_432)
        let erk = try DistributionSolver.allocate(ERKDistribution(), layers: layers, sparsity: 0.9)
        #expect(erk.capped == [0, 4])
        #expect(erk.densities[0] == 1 && erk.densities[4] == 1)
        #expect(try DistributionSolver.allocate(ERKDistribution(), layers: layers, sparsity: 0.95).capped.isEmpty)
        let uniform = try DistributionSolver.allocate(UniformDistribution(parameters: ParameterValues(["dense-first": .flag(true)])), layers: layers, sparsity: 0.95)
        #expect(uniform.nonZeros[4] == 30)
        // On an MLP ER and ERK coincide; on a CNN the kernel dims make them differ.
        #expect(try DistributionSolver.allocate(ERDistribution(), layers: Self.mlpShapes, sparsity: 0.98).nonZeros
                == DistributionSolver.allocate(ERKDistribution(), layers: Self.mlpShapes, sparsity: 0.98).nonZeros)
        #expect(try DistributionSolver.allocate(ERDistribution(), layers: layers, sparsity: 0.95).nonZeros
                != DistributionSolver.allocate(ERKDistribution(), layers: layers, sparsity: 0.95).nonZeros)
    }

    @Test("--budget flops lands within 0.5% of the reference's inference FLOPs; an unreachable target throws")
    func flopBudget() throws {
        let layers = try Self.cnnShapes()
        for name in DistributionCatalog.all.names {
            for ref in ["uniform", "erk"] {
                for s in [0.8, 0.9, 0.95] {
                    let d = try DistributionCatalog.distribution(named: name).distribution
                    let r = try DistributionCatalog.distribution(named: ref).distribution
                    let m = try FLOPMatch.solve(d, reference: r, layers: layers, sparsity: s)
                    #expect(m.relativeError <= 0.005, "\(name) vs \(ref) at \(s): \(m.relativeError)")
                    #expect(abs(m.allocation.inferenceFLOPs - m.target) / m.target == m.relativeError)
                    #expect(abs(m.reference.inferenceFLOPs - m.target) < 1e-9)
                }
            }
        }
        // Uniform with a dense first conv cannot get below that conv's FLOPs (2% of dense), so 1% is out of reach.
        let denseFirst = UniformDistribution(parameters: ParameterValues(["dense-first": .flag(true)]))
        #expect(throws: SparseNetsError.self) { try FLOPMatch.solve(denseFirst, reference: UniformDistribution(parameters: ParameterValues(["dense-first": .flag(false)])), layers: layers, sparsity: 0.99) }
    }

    // MARK: the schedule

    @Test("the update plan: every ΔT optimiser steps up to T_end, RigL's mask-only step on top (cycles of ΔT + 1)")
    func updatePlan() throws {
        let cosine = try SparseMethodCatalog.method(named: "rigl", overrides: ["delta-t": "20"]).schedule
        let set = UpdatePlan(cosine, totalSteps: 1360, maskOnly: false)
        #expect(set.end == 1020 && set.steps == Array(stride(from: 20, through: 1020, by: 20)))
        let rigl = UpdatePlan(cosine, totalSteps: 1360, maskOnly: true)
        #expect(rigl.steps == Array(stride(from: 21, through: 1020, by: 21)) && rigl.steps.count == 48)
        #expect(UpdatePlan(NoUpdates(), totalSteps: 1360, maskOnly: false).steps.isEmpty)
        // f(t) = α/2·(1 + cos(πt/T_end)): α at 0, α/2 halfway, 0 from T_end on.
        #expect(CosineSchedule.fraction(alpha: 0.3, step: 0, end: 1000) == 0.3)
        #expect(abs(CosineSchedule.fraction(alpha: 0.3, step: 500, end: 1000) - 0.15) < 1e-15)
        #expect(CosineSchedule.fraction(alpha: 0.3, step: 1000, end: 1000) == 0 && CosineSchedule.fraction(alpha: 0.3, step: 1200, end: 1000) == 0)
        // Gradual pruning: the cubic progress reaches exactly 1 at the last update.
        let cubic = CubicSchedule(parameters: ParameterValues(["delta-t": .int(10), "t-start": .real(0.1), "t-end": .real(0.5)]))
        let g = UpdatePlan(cubic, totalSteps: 200, maskOnly: false)
        #expect(g.steps == Array(stride(from: 30, through: 100, by: 10)))
        #expect(cubic.amount(step: 100, end: 100, update: g.steps.count - 1, of: g.steps.count) == .prune(progress: 1))
    }

    @Test("top-k picks the largest scores, ties to the earliest positions")
    func topK() {
        #expect(TopK.largest([1, 3, 3, 2, 3], 2) == [1, 2])
        #expect(TopK.largest([0, 0, 0, 0], 3) == [0, 1, 2])
        #expect(TopK.smallest([5, 1, 4, 1, 3], 3) == [1, 3, 4])
        #expect(TopK.largest([1, 2], 0).isEmpty && TopK.largest([1, 2], 5) == [0, 1])
    }

    // MARK: the hard invariants of training

    /// Watches every step after the method's own hook.
    final class Watcher: TrainingHook {
        let dst: DynamicSparsity
        var gradient: Parameters?
        var before: MaskedNetwork?
        var problems: [String] = []
        var changedAt: [Int] = []
        var countsPerStep: [[Int]] = []
        var firstMasks: [Matrix]?
        var topGradientChecks = 0

        init(_ dst: DynamicSparsity) { self.dst = dst }

        func gradientComputed(step: Int, network: MaskedNetwork, gradient: inout Parameters) throws {
            self.gradient = gradient
            before = network
            if firstMasks == nil { firstMasks = network.masks }
            countsPerStep.append(network.layerNonZeros)
        }

        func stepFinished(step: Int, network: inout MaskedNetwork, state: inout OptimizerState) throws {
            guard let b = before else { return }
            let t = step + 1
            let isUpdate = dst.plan.steps.contains(t)
            if network.masks != b.masks {
                changedAt.append(t)
                if !isUpdate { problems.append("mask changed at step \(t), not an update step") }
                for l in network.masks.indices {
                    for i in network.masks[l].storage.indices where b.masks[l].storage[i] == 0 && network.masks[l].storage[i] == 1 {
                        if network.parameters.weights[l].storage[i] != 0 || state.momentum.weights[l].storage[i] != 0 {
                            problems.append("step \(t): grown weight \(l):\(i) is \(network.parameters.weights[l].storage[i]) with momentum \(state.momentum.weights[l].storage[i])")
                        }
                    }
                }
            }
            if isUpdate && dst.plan.maskOnly {
                // A mask-only step: kept weights and every bias are exactly as before the step.
                for l in network.masks.indices {
                    for i in network.masks[l].storage.indices where network.masks[l].storage[i] == 1 && b.masks[l].storage[i] == 1 {
                        if network.parameters.weights[l].storage[i] != b.parameters.weights[l].storage[i] { problems.append("step \(t): kept weight \(l):\(i) moved on a mask-only step") }
                    }
                    if network.parameters.biases[l] != b.parameters.biases[l] { problems.append("step \(t): biases moved on a mask-only step") }
                }
                // RigL grows exactly the largest |g| among the positions not kept after the drop (ties to the lower index).
                if let g = gradient {
                    for (l, c) in dst.lastChanges.enumerated() {
                        let kept = Set(c.activeBefore).subtracting(c.dropped)
                        let candidates = g.weights[l].storage.indices.filter { !kept.contains($0) }
                        let ranked = candidates.sorted { a, b in
                            let x = abs(g.weights[l].storage[a]), y = abs(g.weights[l].storage[b])
                            return x > y || (x == y && a < b)
                        }
                        if Array(ranked.prefix(c.dropped.count)).sorted() != c.grown { problems.append("step \(t) layer \(l): grown set is not the top-|g| set") }
                        topGradientChecks += 1
                    }
                }
            }
        }
    }

    static let data: PreparedData = { (try? PreparedData.digits())! }()

    static func experiment(epochs: Int = 3) -> SparseTrainingExperiment {
        SparseTrainingExperiment(network: .architecture(.mlp(hidden: [32, 32])), data: data,
                                 recipe: TrainingRecipe(epochs: epochs, batchSize: 32, optimizer: SGDConfiguration(learningRate: 0.05)))
    }

    /// A run with a watcher; ΔT = 5 and T_end = 0.6 so that a 3-epoch run has updates and a tail without them.
    static func watched(_ name: String, sparsity: Double = 0.9, seed: UInt64 = 3) throws -> (SparseRunResult, Watcher, SparseMethod) {
        let exp = experiment()
        let overrides = name == "static" ? [:] : ["delta-t": "5", "t-end": "0.6"]
        let method = try SparseMethodCatalog.method(named: name, overrides: overrides)
        let allocation = try DistributionSolver.allocate(ERKDistribution(), layers: try exp.layerShapes(), sparsity: sparsity)
        var watcher: Watcher?
        let r = try exp.run(method, allocation: allocation, seed: seed, hooks: { dst in
            let w = Watcher(dst)
            watcher = w
            return [w]
        })
        return (r, try #require(watcher), method)
    }
}

extension SparseTrainingTests {
    @Test("RigL, SET and SNFS: per-layer non-zeros constant, grown weights and momentum exactly 0, drop count floor(f(t)·n_active), nothing after T_end",
          arguments: ["rigl", "set", "snfs"])
    func dynamicInvariants(_ name: String) throws {
        let (r, w, method) = try Self.watched(name)
        #expect(w.problems.isEmpty, "\(w.problems.prefix(3))")
        #expect(r.updates.count == r.plan.steps.count && r.updates.count >= 10)
        // Non-zeros per layer are the allocation's at every step and at the end.
        #expect(w.countsPerStep.allSatisfy { $0 == r.allocation.nonZeros })
        #expect(r.initialNonZeros == r.allocation.nonZeros && r.finalNonZeros == r.allocation.nonZeros)
        // Drop count per layer = floor(f(t)·n_active), f the cosine of the update's step.
        let alpha = method.parameters.real("alpha")
        for u in r.updates {
            let f = CosineSchedule.fraction(alpha: alpha, step: u.step, end: r.plan.end)
            #expect(u.amount == f)
            #expect(u.dropped == r.allocation.nonZeros.map { Int((f * Double($0)).rounded(.down)) }, "step \(u.step)")
            #expect(zip(zip(u.grown, u.regrown), u.dropped).allSatisfy { $0.0 + $0.1 == $1 })
        }
        // Masks changed only on planned steps, never after T_end, and the last change is before it.
        #expect(Set(w.changedAt).isSubset(of: Set(r.plan.steps)))
        #expect((w.changedAt.max() ?? 0) <= r.plan.end && r.plan.end < r.ledger.perSample.count)
        #expect(r.updates.reduce(0) { $0 + $1.maskChanges } > 0)
        if name == "rigl" { #expect(w.topGradientChecks == 3 * r.updates.count) }
    }

    @Test("the FLOP counter equals the formula on the actual masks, step by step", arguments: SparseMethodCatalog.all.names)
    func flopCounter(_ name: String) throws {
        let (r, w, method) = try Self.watched(name, sparsity: 0.95)
        let layers = r.allocation.layers, fD = r.ledger.dense
        #expect(fD == 2 * Double(layers.reduce(0) { $0 + $1.weights }))
        #expect(w.countsPerStep.count == r.ledger.perSample.count)
        for (i, counts) in w.countsPerStep.enumerated() {
            let fS = FLOPCount.forward(nonZeros: counts, layers: layers)
            let update = r.plan.steps.contains(i + 1)
            let expected: Double
            switch method.gradientUse {
            case .everyStep: expected = 2 * fS + fD
            case .updateStep: expected = update ? 2 * fS + fD : 3 * fS
            case .none: expected = 3 * fS
            }
            #expect(r.ledger.perSample[i] == expected, "\(name) step \(i + 1)")
        }
        if name == "rigl", let dt = method.schedule.interval {
            // Over whole cycles of ΔT optimiser steps and one mask-only step: (3f_S·ΔT + 2f_S + f_D)/(ΔT + 1).
            let fS = FLOPCount.forward(nonZeros: r.allocation.nonZeros, layers: layers)
            let cycles = r.plan.steps.count * (dt + 1)
            #expect(abs(r.ledger.meanPerStep(0..<cycles) - FLOPCount.riglAverage(sparse: fS, dense: fD, deltaT: dt)) < 1e-9 * fD)
        }
        // Totals: the ledger weighted by each step's samples, against dense training.
        let samples = 3 * Self.data.train.count
        #expect(abs(r.ledger.denseTotal() - 3 * fD * Double(samples)) < 1e-6)
        #expect(r.flops.inferenceForward == FLOPCount.forward(nonZeros: r.finalNonZeros, layers: layers))
    }

    @Test("gradual magnitude pruning starts dense and reaches the distribution's counts exactly at its last update, never growing")
    func gradualPruning() throws {
        let (r, w, _) = try Self.watched("gmp", sparsity: 0.9)
        #expect(w.problems.isEmpty, "\(w.problems.prefix(3))")
        #expect(r.initialNonZeros == r.allocation.layers.map(\.weights))
        #expect(r.finalNonZeros == r.allocation.nonZeros)
        let totals = w.countsPerStep.map { $0.reduce(0, +) }
        #expect(zip(totals, totals.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(r.updates.allSatisfy { $0.grown.allSatisfy { $0 == 0 } })
    }

    @Test("paired seeds: every method starts from the same θ₀ and initial mask (gradual pruning from the same θ₀, dense)")
    func pairedStart() throws {
        let exp = Self.experiment(epochs: 1)
        let allocation = try DistributionSolver.allocate(ERDistribution(), layers: try exp.layerShapes(), sparsity: 0.9)
        var starts = [String: MaskedNetwork]()
        for name in SparseMethodCatalog.all.names {
            final class First: TrainingHook {
                var net: MaskedNetwork?
                func gradientComputed(step: Int, network: MaskedNetwork, gradient: inout Parameters) throws { if net == nil { net = network } }
            }
            let first = First()
            let overrides = name == "gmp" ? ["delta-t": "5"] : [:]
            _ = try exp.run(SparseMethodCatalog.method(named: name, overrides: overrides), allocation: allocation, seed: 7, hooks: { _ in [first] })
            starts[name] = first.net
        }
        let s = try #require(starts["static"])
        for name in ["set", "rigl", "snfs"] {
            #expect(starts[name]?.masks == s.masks && starts[name]?.parameters == s.parameters, "\(name)")
        }
        var dense = try #require(starts["gmp"])
        #expect(dense.density == 1)
        try dense.setMasks(s.masks)
        #expect(dense.parameters == s.parameters)
        #expect(exp.initialMasks(allocation, seed: 7) != exp.initialMasks(allocation, seed: 8))
    }

    @Test("every method declares its axes and parameters; bad values and unknown keys are input errors", arguments: SparseMethodCatalog.all.names)
    func methodContract(_ name: String) throws {
        let t = try SparseMethodCatalog.all.named(name)
        let params = SparseMethodCatalog.parameters(of: t)
        #expect(Set(params.map(\.name)).count == params.count && !t.summary.isEmpty)
        for p in params { try p.check(try #require(p.defaultValue(in: .standard))) }
        let m = try SparseMethodCatalog.method(named: name)
        #expect(m.name == name && m.parameters.names == params.map(\.name).sorted())
        let names = Set(params.map(\.name))
        let bad: [(String, String)] = [("alpha", "0"), ("alpha", "1.5"), ("delta-t", "0"), ("t-end", "1.5"), ("t-end", "0"), ("tie-noise", "-1")]
        for (k, v) in bad where names.contains(k) {
            #expect(throws: InputError.self, "\(name) \(k)=\(v)") { try SparseMethodCatalog.method(named: name, overrides: [k: v]) }
        }
        #expect(throws: InputError.self) { try SparseMethodCatalog.method(named: name, overrides: ["no-such-key": "1"]) }
        #expect(throws: InputError.self) { try SparseMethodCatalog.all.named("rigl2") }
        #expect(throws: InputError.self) { try DistributionCatalog.all.named("erk2") }
    }
}

extension SparseTrainingTests {
    /// Every component of every axis: a name, a summary, defaults inside their domains, and an instance from them.
    static let components: [String] = DropCatalog.all.names.map { "drop:\($0)" } + GrowCatalog.all.names.map { "grow:\($0)" }
        + ScheduleCatalog.all.names.map { "schedule:\($0)" } + DistributionCatalog.all.names.map { "distribution:\($0)" }

    @Test("every drop, grow, schedule and distribution component declares itself and builds from its defaults", arguments: components)
    func componentContract(_ id: String) throws {
        let parts = id.split(separator: ":").map(String.init)
        let (kind, name) = (parts[0], parts[1])
        let params: [Parameter], summary: String
        switch kind {
        case "drop": let t = try DropCatalog.all.named(name); params = t.parameters; summary = t.summary
            _ = t.init(parameters: ParameterDefaults.values(params))
        case "grow": let t = try GrowCatalog.all.named(name); params = t.parameters; summary = t.summary
            _ = t.init(parameters: ParameterDefaults.values(params))
        case "schedule": let t = try ScheduleCatalog.all.named(name); params = t.parameters; summary = t.summary
            let s = t.init(parameters: ParameterDefaults.values(params))
            let w = s.window(totalSteps: 1000)
            #expect(s.interval == nil || (w.lowerBound >= 1 && w.upperBound <= 1000))
        default: let t = try DistributionCatalog.all.named(name); params = t.parameters; summary = t.summary
            let d = t.withDefaults()
            #expect(d.relativeDensities(Self.mlpShapes).allSatisfy { $0 > 0 })
        }
        #expect(!summary.isEmpty && Set(params.map(\.name)).count == params.count)
        for p in params { for mode in RunMode.allCases { try p.check(try #require(p.defaultValue(in: mode))) } }
    }
}
