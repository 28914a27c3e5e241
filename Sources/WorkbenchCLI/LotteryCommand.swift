import ArgumentParser
import Components
import Datasets
import Foundation
import Randomness
import SparseNets
import Statistics
import TextPlot

/// `workbench lottery`: iterative magnitude pruning with the ticket, rewind, re-init and random-pruning arms on paired seeds, judged by Ma et al.'s sanity checks.
struct LotteryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lottery",
        abstract: "Lottery tickets under Ma et al.'s sanity checks: IMP, the ticket against re-init, random pruning and dense.",
        discussion: """
        Per seed: train the dense network (round 0), then each round prune a fraction of the surviving \
        weights by magnitude and train every arm from the round's mask with the same recipe, the same \
        initial weights θ₀, the same data order and the same pruning batch (paired seeds). Arms:
        \(armTable)
        The dense run is the reference; its validation accuracy over the last 25% of the epochs must move \
        by less than --plateau-tolerance points, else no round can be a winning ticket.

        Verdict per round (Ma et al. 2021): a winning ticket matches dense (mean paired ticket − dense \
        ≥ −match-tolerance) AND beats re-init (mean ticket − re-init ≥ margin with ≥ agreement of the \
        seeds positive, 4 of 5 by default). Accuracies are on the held-out part (validation + test).

        Pruning rules (--rule): \(ruleTable). Modes (--imp): reset (IMP, survivors reset to θ₀; the \
        ticket arm is the chain), rewind (IMP, survivors rewound to θ_k; the rewind arm is the chain), \
        one-shot (each round's mask pruned from the dense network at once, to IMP's density).

        --lr, --epochs and --net (repeatable) sweep: one panel per combination. A diverging training run \
        is reported and recorded, and the command exits 1 naming it.

        Examples:
          workbench lottery --net mlp:64,64 --lr 0.01,0.05 --rounds 11 --seeds 5 --rewind-epoch 1
          workbench lottery --net mlp:64,64 --net mlp:256,256 --lr 0.01 --rounds 10
          workbench lottery --lr 0.01 --epochs 10,40 --arms ticket,reinit --rounds 11
          workbench lottery --net cnn:8,16 --lr 0.01 --rounds 6 --rule per-layer --imp one-shot
          workbench lottery --model net.safetensors --seeds 1 --rounds 5 --save-masks ticket-masks.safetensors --save ticket.safetensors

        --model FILE.safetensors is θ₀ of every seed (the re-init arm draws a fresh initialisation of the same \
        architecture); --save-masks and --save write the last round's trained network of the chain arm (the \
        ticket, or the rewind arm under --imp rewind; the ticket arm under one-shot), which needs one seed and \
        one --net/--lr/--epochs combination.
        """)

    static var armTable: String {
        LotteryArmCatalog.all.entries.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n")
    }

    static var ruleTable: String {
        IMPRuleCatalog.all.entries.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")
    }

    /// Help for a declared parameter: its text, domain and default.
    static func help(_ p: Parameter, _ extra: String = "") -> ArgumentHelp {
        ArgumentHelp("\(p.help)\(extra) (\(p.domain.summary); default \(p.defaultSummary)).", valueName: "value")
    }

    static func recipe(_ name: String) -> Parameter { TrainingRecipe.parameter(name) }
    static func imp(_ name: String) -> Parameter { IMPProcedure.parameter(name) }
    static func criterion(_ name: String) -> Parameter {
        guard let p = TicketCriteria.parameters.first(where: { $0.name == name }) else { preconditionFailure("no criterion '\(name)'") }
        return p
    }

    @Option(help: ArgumentHelp("Network (repeatable to sweep capacity): mlp:W1,W2,…, cnn:C1,C2[,…][:nopool], cnn1d:C1,…:kK1,…:sS:pP (1-D convolutions) or resmlp:W,W (residual MLP) (default mlp:64,64, the MLP 64-64-64-10 on the digits).", valueName: "net"))
    var net: [String] = []

    @Option(help: help(recipe("lr"), ", or a comma-separated list to sweep"))
    var lr: String?

    @Option(help: help(recipe("epochs"), " per round, or a comma-separated list to sweep"))
    var epochs: String?

    @Option(help: "Arms, comma-separated, or all: \(LotteryArmCatalog.all.names.joined(separator: ", ")) (the --imp mode's chain arm is always trained).")
    var arms = "all"

    @Option(help: "Paired seeds (same θ₀, data order and pruning batch in every arm).")
    var seeds = 5

    @Option(help: help(imp("rounds")))
    var rounds: String?

    @Option(name: .customLong("prune-fraction"), help: help(imp("prune-fraction")))
    var pruneFraction: String?

    @Option(name: .customLong("output-fraction"), help: help(imp("output-fraction")))
    var outputFraction: String?

    @Option(help: help(imp("rule")))
    var rule: String?

    @Option(help: help(imp("imp")))
    var imp: String?

    @Option(name: .customLong("rewind-epoch"), help: help(imp("rewind-epoch")))
    var rewindEpoch: String?

    @Option(name: .customLong("match-tolerance"), help: help(criterion("match-tolerance")))
    var matchTolerance: String?

    @Option(help: help(criterion("margin")))
    var margin: String?

    @Option(help: help(criterion("agreement")))
    var agreement: String?

    @Option(name: .customLong("plateau-tolerance"), help: help(criterion("plateau-tolerance")))
    var plateauTolerance: String?

    @Option(name: .customLong("batch-size"), help: help(recipe("batch-size")))
    var batchSize: String?

    @Option(help: help(recipe("momentum")))
    var momentum: String?

    @Flag(inversion: .prefixedNo, help: ArgumentHelp("\(recipe("nesterov").help) (default \(recipe("nesterov").defaultSummary))."))
    var nesterov: Bool?

    @Option(name: .customLong("weight-decay"), help: help(recipe("weight-decay")))
    var weightDecay: String?

    @Option(help: help(recipe("schedule")))
    var schedule: String?

    @Option(name: .customLong("per-class"), help: help(recipe("per-class")))
    var perClass: String?

    @Option(help: ArgumentHelp("Data split by the policy: \(BuiltinDatasets.names.joined(separator: ", ")), a .csv / .libsvm file, or images.idx,labels.idx (default digits).", valueName: "data"))
    var data: String?

    @OptionGroup var model: ModelOptions

    @OptionGroup var common: CommonOptions

    /// Everything the flags decide, parsed and checked before any training.
    struct Plan {
        var configurations: [LotteryStudy.Configuration]
        var procedure: IMPProcedure
        var criteria: TicketCriteria
        var arms: [any LotteryArm]
        var perClass: Int
        var parameters: ParameterValues
    }

    static let defaultNet = "mlp:64,64"

    func plan() throws -> Plan {
        var o = [String: String]()
        let given: [(String, String?)] = [("batch-size", batchSize), ("momentum", momentum), ("weight-decay", weightDecay), ("schedule", schedule),
                                          ("per-class", perClass), ("nesterov", nesterov.map { $0 ? "true" : "false" })]
        for (k, v) in given { if let v { o[k] = v } }
        // The recipe's lr and epochs are lists here: each entry is checked against the declared domain.
        let lrs = try Self.list(lr, Self.recipe("lr")).map { $0.double ?? 0 }
        let epochList = try Self.list(epochs, Self.recipe("epochs")).map { Int($0.double ?? 0) }
        guard !epochList.contains(0) else { throw InputError("--epochs must be at least 1 (a lottery round needs training)") }
        let recipeValues: ParameterValues, recipe: TrainingRecipe
        do {
            recipeValues = try ParameterValues(resolving: TrainingRecipe.parameters, overrides: o, owner: "lottery")
            recipe = try TrainingRecipe(parameters: recipeValues)
        } catch { throw InputError("--\(error)") }

        var impOverrides = [String: String]()
        for (k, v) in [("rounds", rounds), ("prune-fraction", pruneFraction), ("output-fraction", outputFraction), ("rule", rule),
                       ("imp", imp), ("rewind-epoch", rewindEpoch)] { if let v { impOverrides[k] = v } }
        let impValues: ParameterValues
        do { impValues = try IMPProcedure.resolve(overrides: impOverrides, owner: "lottery") } catch { throw InputError("--\(error)") }
        let procedure = try IMPProcedure(parameters: impValues)

        var criteriaOverrides = [String: String]()
        for (k, v) in [("match-tolerance", matchTolerance), ("margin", margin), ("agreement", agreement), ("plateau-tolerance", plateauTolerance)] {
            if let v { criteriaOverrides[k] = v }
        }
        let criteriaValues: ParameterValues
        do { criteriaValues = try ParameterValues(resolving: TicketCriteria.parameters, overrides: criteriaOverrides, owner: "lottery") }
        catch { throw InputError("--\(error)") }

        let chosen = try LotteryArmCatalog.arms(arms)
        let usesRewind = procedure.mode == .rewind || chosen.contains { $0.name == RewindArm.name }
        if rewindEpoch != nil && !usesRewind {
            throw InputError("--rewind-epoch applies to the rewind arm or --imp rewind, and neither is selected")
        }
        let nets = try (net.isEmpty ? [Self.defaultNet] : net).map { spec throws(InputError) in
            do { return try Architecture.parse(spec) } catch { throw InputError("--net: \(error)") }
        }
        if usesRewind {
            for e in epochList where procedure.rewindEpoch >= e {
                throw InputError("--rewind-epoch \(procedure.rewindEpoch) is beyond the run: it must be below the \(e) training epochs")
            }
        }
        let configurations = LotteryStudy.grid(nets: nets, learningRates: lrs, epochs: epochList, recipe: recipe)

        var all = recipeValues.values.merging(impValues.values) { a, _ in a }.merging(criteriaValues.values) { a, _ in a }
        all["lr"] = .text(lrs.map { String($0) }.joined(separator: ","))
        all["epochs"] = .text(epochList.map(String.init).joined(separator: ","))
        all["net"] = .text(nets.map(\.description).joined(separator: " "))
        all["arms"] = .text(chosen.map(\.name).joined(separator: ","))
        all["seeds"] = .int(seeds)
        all["data"] = .text(data ?? "digits")
        return Plan(configurations: configurations, procedure: procedure, criteria: TicketCriteria(parameters: criteriaValues), arms: chosen,
                    perClass: recipeValues.int("per-class"), parameters: ParameterValues(all))
    }

    /// A comma-separated list, each entry checked against `p`'s domain; nil is `p`'s default.
    static func list(_ text: String?, _ p: Parameter) throws(InputError) -> [ParameterValue] {
        guard let text else { return [p.defaultValue(in: .standard)].compactMap { $0 } }
        var out = [ParameterValue]()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            do { out.append(try p.parse(part.trimmingCharacters(in: .whitespaces))) } catch { throw InputError("--\(error)") }
        }
        return out
    }

    func validate() throws {
        guard (1...100).contains(seeds) else { throw ValidationError("--seeds must be in 1...100, got \(seeds)") }
        let p: Plan
        do { p = try plan() } catch let e as ValidationError { throw e } catch { throw ValidationError(String(describing: error)) }
        if model.model != nil, net.count > 0 { throw ValidationError("--model gives the network: it replaces --net") }
        if model.saves, seeds != 1 || p.configurations.count != 1 {
            throw ValidationError("--save and --save-masks write one network: give --seeds 1 and one --net, --lr and --epochs")
        }
    }

    /// The arm whose last-round network --save writes: the IMP chain, else the ticket arm, else the first arm.
    static func savedArm(_ plan: Plan) -> String {
        plan.procedure.mode.chainArm ?? (plan.arms.contains { $0.name == TicketArm.name } ? TicketArm.name : plan.arms.first?.name ?? TicketArm.name)
    }

    func run() throws {
        var plan = try plan()
        let prepared = try PreparedData(DataPolicy.load(data ?? "digits"))
        let loaded = try model.load(inputSize: prepared.train.dimension, classCount: prepared.train.classCount)
        if let loaded {
            let a = try loaded.architecture(for: "lottery")
            for i in plan.configurations.indices { plan.configurations[i].architecture = a }
            plan.parameters = ModelOptions.stamp(plan.parameters, loaded, architecture: a)
        }
        let master = RandomStream(seed: common.seed)
        let runSeeds = (0..<seeds).map { master.split($0).seed }
        let progress = common.progress
        let savedArm = Self.savedArm(plan)
        var saved: ArmObservation?
        let panels = try LotteryStudy.run(plan.configurations, data: prepared, pruningPerClass: plan.perClass, procedure: plan.procedure,
                                          arms: plan.arms, seeds: runSeeds, model: loaded?.network, progress: { progress.update($0) },
                                          observe: model.saves ? { o in if o.arm == savedArm, o.round >= (saved?.round ?? 1) { saved = o } } : nil)
        progress.finish()
        if let o = saved {
            let diverged = panels.first?.seeds.first?.rounds.last?.arms[o.arm]?.divergence != nil
            try model.saveFiles(o.trained, seed: common.seed, extra: ["run-seed": String(runSeeds[0]), "arm": o.arm, "round": String(o.round),
                                                                       "density": String(o.trained.density)], diverged: diverged)
        }
        let layers = try plan.configurations.map { c in
            try MaskedNetwork(c.architecture, inputSize: prepared.train.dimension, classCount: prepared.train.classCount,
                              stream: RandomStream(seed: 0)).layers.map(\.description)
        }
        let record = LotteryRecord(parameters: plan.parameters, seeds: runSeeds, data: prepared.provenance, dataPolicy: prepared.policy,
                                   samples: [prepared.train.count, prepared.validation.count, prepared.test.count],
                                   evaluatedOn: prepared.testIsValidation ? "validation" : "validation+test",
                                   panels: zip(panels, layers).map { LotteryRecord.panel($0, criteria: plan.criteria, layers: $1) },
                                   divergences: panels.flatMap { $0.seeds.flatMap(\.divergences) },
                                   model: loaded?.provenance, versions: CommonOptions.versions)
        try common.emit(record, command: "lottery", divergences: record.divergences) {
            (loaded.map { $0.line + "\n" } ?? "") + report(record, criteria: plan.criteria)
        }
    }

    static func pct(_ x: Double) -> String { x.isFinite ? String(format: "%.1f", 100 * x) : "—" }

    func report(_ record: LotteryRecord, criteria: TicketCriteria) -> String {
        var out = ""
        for p in record.panels {
            out += "== \(p.net), lr \(p.lr), \(p.epochs) epochs per round, \(record.seeds.count) paired seeds; held-out accuracy % (\(record.evaluatedOn))\n"
            let spreads = p.densePlateauSpread.map { String(format: "%.2f", $0) }.joined(separator: ", ")
            out += "dense: \(Self.pct(p.dense.mean)) ± \(Self.pct(p.dense.halfWidth)); plateau \(p.densePlateaued ? "reached" : "NOT reached") "
            out += "(validation accuracy over the last 25% of epochs spans \(spreads) points per seed; tolerance \(criteria.plateauTolerance))\n\n"
            var plot = LinePlot(title: "\(p.net), lr \(p.lr): held-out accuracy against density (mean over seeds)",
                                xLabel: "density (kept fraction, log)", yLabel: "accuracy %", xScale: .log10)
            let x = p.rounds.map(\.density)
            for (k, arm) in (p.rounds.first?.arms.map(\.arm) ?? []).enumerated() {
                plot.add(Series(name: arm == "reinit" ? "re-init" : arm, x: x, y: p.rounds.map { 100 * $0.arms[k].mean }))
            }
            plot.add(Series(name: "dense", x: x, y: x.map { _ in 100 * p.dense.mean }, dashed: true))
            out += plot.render(common.plotStyle) + "\n"
            let arms = p.rounds.first?.arms.map(\.arm) ?? []
            let gapNames = p.rounds.first?.gaps.map(\.name) ?? []
            var headers = ["round", "density"] + ["dense"] + arms.map { $0 == "reinit" ? "re-init" : $0 }
            headers += gapNames.map { $0.replacingOccurrences(of: "-", with: " − ").replacingOccurrences(of: "reinit", with: "re-init") }
            headers.append("verdict")
            let rows = p.rounds.map { r -> [String] in
                var row = ["\(r.round)", String(format: "%.1f%%", 100 * r.density), "\(Self.pct(p.dense.mean)) ± \(Self.pct(p.dense.halfWidth))"]
                row += r.arms.map { "\(Self.pct($0.mean)) ± \(Self.pct($0.halfWidth))" }
                row += r.gaps.map { g in
                    g.mean.isFinite ? String(format: "%+.2f ± %.2f (%d/%d+)", g.mean, g.sd, g.positive, g.values.count) : "—"
                }
                let ran = r.gaps.first { $0.name == "ticket-reinit" }?.mean.isFinite ?? false
                row.append(!ran ? "— (no re-init)" : r.verdict.wins ? "WINNING TICKET" : "no: " + [r.verdict.densePlateaued ? nil : "plateau",
                                                                         r.verdict.matchesDense ? nil : "dense",
                                                                         r.verdict.beatsReinit ? nil : "re-init"].compactMap { $0 }.joined(separator: ", "))
                return row
            }
            out += Table(headers: headers, rows: rows).render() + "\n"
            for r in p.rounds where !r.verdict.wins && (r.gaps.first { $0.name == "ticket-reinit" }?.mean.isFinite ?? false) {
                out += "  round \(r.round): " + r.verdict.failed.joined(separator: "; ") + "\n"
            }
            out += "\n"
        }
        out += "accuracy: mean ± 95% t-interval half-width; gaps: mean ± sd in points (seeds positive / seeds).\n"
        out += "winning ticket (Ma et al.): ticket − dense ≥ −\(criteria.matchTolerance) AND ticket − re-init ≥ \(criteria.margin) "
        out += "with ≥ \(criteria.required(of: record.seeds.count))/\(record.seeds.count) seeds positive, dense plateaued.\n"
        return out
    }
}
