import Components
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import GreedySelection

@Test func linearProgramSolvesAKnownProblem() throws {
    // max x + y s.t. x + 2y + s1 = 4, 3x + y + s2 = 6, x, y, s ≥ 0: optimum (1.6, 1.2), value 2.8.
    let outcome = try LinearProgram.maximize(c: [1, 1, 0, 0], a: [[1, 2, 1, 0], [3, 1, 0, 1]], b: [4, 6])
    guard case .optimal(let value, let x) = outcome else { Issue.record("not optimal: \(outcome)"); return }
    #expect(abs(value - 2.8) < 1e-12)
    #expect(abs(x[0] - 1.6) < 1e-12 && abs(x[1] - 1.2) < 1e-12)
    #expect(try LinearProgram.maximize(c: [1, 0], a: [[1, 1]], b: [-1]) == .infeasible)
    #expect(try LinearProgram.maximize(c: [1, 0], a: [[1, -1]], b: [0]) == .unbounded)
}

@Test func inradiusBoundsOnARectangle() throws {
    // Corners (±2, ±1): the inscribed ball at the centre has radius 1; along the axes s = 2 and 1, so the
    // cross-polytope bound is (1/4 + 1)^(−1/2); the diameter is 2√5. Facet enumeration (k = 2) gives r = 1 exactly.
    let corners: [[Double]] = [[2, 1], [2, -1], [-2, 1], [-2, -1]]
    let atoms = try Matrix(rowArrays: [corners.map { $0[0] }, corners.map { $0[1] }])
    let p = try AtomProblem(atoms: atoms)
    let b = try InradiusBounds(p, directions: 500, stream: RandomStream(seed: 1))
    #expect(b.dimension == 2)
    #expect(abs(b.eigenbasisLowerBound - 1 / (0.25 + 1.0).squareRoot()) < 1e-9)
    #expect(b.source == .exact && abs(b.lowerBound - 1) < 1e-12)
    #expect(b.upperBound >= 1 - 1e-12 && b.upperBound < 1.05)
    #expect(abs(b.diameter - 2 * 5.0.squareRoot()) < 1e-12)
}

@Test func lpLowerBoundIsBelowTheUpperBoundOnRandomInstances() throws {
    for seed in UInt64(1)...4 {
        let p = try GreedyInstance.standard().build(stream: RandomStream(seed: seed))
        let b = try InradiusBounds(p, stream: RandomStream(seed: seed))
        #expect(b.lowerBound > 0 && b.lowerBound <= b.upperBound)
        #expect(b.envelopeRate > 0 && b.envelopeRate < 0.01)
    }
}

@Test func badSizesAreOneLineErrors() {
    #expect(throws: GreedyError.invalidArgument("width N must be at least 1, got 0")) { try GreedyValidation.checkSizes(width: 0, inputs: 10, dimension: 3) }
    #expect(throws: GreedyError.invalidArgument("number of inputs M must be at least 1, got 0")) { try GreedyValidation.checkSizes(width: 10, inputs: 0, dimension: 3) }
    #expect(throws: GreedyError.self) { try GreedyValidation.checkSizes(width: 100_000, inputs: 100_000, dimension: 3) }
    #expect(throws: GreedyError.invalidArgument("n_max = 100001 is above the cap 100000")) { try GreedyValidation.checkSteps(GreedyValidation.maxSteps + 1) }
    #expect(throws: GreedyError.self) { try GreedyValidation.checkSteps(0) }
    #expect(throws: GreedyError.self) { try GreedyValidation.checkTolerance(.nan) }
    #expect(throws: GreedyError.unknownName(kind: "activation", name: "swish", known: ["tanh", "relu", "sigmoid"])) { try Activation.named("swish") }
    #expect(throws: InputError("unknown selector 'greedy' (known: \(SelectorCatalog.all.names.joined(separator: ", ")))")) { try SelectorCatalog.all.named("greedy") }
    #expect(throws: InputError.self) { try SelectorCatalog.list("random,bogus") }
    #expect(throws: InputError.self) { try SelectorCatalog.list("random,random") }
    #expect((try? SelectorCatalog.list("all"))?.map { $0.name } == ["random", "greedy-uniform", "greedy-linesearch", "fw-linesearch", "away-step", "fully-corrective"])
    #expect((try? SelectorCatalog.list("worst-neuron, greedy-uniform"))?.map { $0.name } == ["worst-neuron", "greedy-uniform"])
    #expect(throws: GreedyError.self) { try GreedyInstance(dimension: 3, inputs: 0, width: 10, activation: .tanh, heldOutInputs: 0).build(stream: RandomStream(seed: 1)) }
    #expect(throws: GreedyError.self) { try GreedyLineSearchSelector.run(on: tinyProblem(seed: 1), steps: 0, options: SelectionOptions(), stream: RandomStream(seed: 1)) }
    #expect(GreedyError.invalidArgument("x").description == "x")
    #expect(!GreedyError.unknownName(kind: "method", name: "a", known: ["b"]).description.contains("\n"))
}

@Test func atomFilesLoadAndBadOnesNameTheirPosition() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("greedy-tests-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let good = dir.appendingPathComponent("atoms.csv")
    try "n1,n2,n3,y\n1,2,3,2\n0,1,-1,0\n".write(to: good, atomically: true, encoding: .utf8)
    let p = try GreedyValidation.loadAtoms(path: good.path, targetColumn: true)
    #expect(p.inputCount == 2 && p.neuronCount == 3 && p.target == [2, 0] && !p.targetIsMean)
    let q = try GreedyValidation.loadAtoms(path: good.path, targetColumn: false)
    #expect(q.neuronCount == 4 && q.targetIsMean)

    let nan = dir.appendingPathComponent("nan.csv")
    try "1,2,3\n4,nan,6\n".write(to: nan, atomically: true, encoding: .utf8)
    do {
        _ = try GreedyValidation.loadAtoms(path: nan.path, targetColumn: false)
        Issue.record("NaN accepted")
    } catch {
        #expect(error.description.contains("nan.csv:2:2"), "\(error.description)")
        #expect(!error.description.contains("\n"))
    }
    let ragged = dir.appendingPathComponent("ragged.csv")
    try "1,2,3\n4,5\n".write(to: ragged, atomically: true, encoding: .utf8)
    do {
        _ = try GreedyValidation.loadAtoms(path: ragged.path, targetColumn: false)
        Issue.record("ragged file accepted")
    } catch {
        #expect(error.description.contains("ragged.csv:2"), "\(error.description)")
    }
    #expect(throws: GreedyError.self) { try GreedyValidation.loadAtoms(path: dir.appendingPathComponent("missing.csv").path, targetColumn: false) }
    #expect(throws: GreedyError.self) { try AtomProblem(atoms: Matrix(rows: 2, cols: 2, repeating: .nan)) }
}
