import Components
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import GreedySelection

/// Forced failures for every selector (issue #17, item 3): non-finite numbers injected past the loaders
/// are refused with a message naming the quantity, and a loss that stops being finite mid-run ends the
/// run with a `Divergence` naming the selector, the step and the quantity, never a NaN path returned as a result.
@Suite struct SelectorDivergenceTests {
    static let names = SelectorCatalog.all.names

    @Test func nonFiniteOrOverflowingAtomsBuiltDirectlyAreRefusedNamingTheQuantity() throws {
        var nan = Matrix(rows: 3, cols: 4, repeating: 0.5)
        nan[1, 2] = .nan
        #expect(throws: GreedyError.nonFinite("the atom matrix")) { try AtomProblem(atoms: nan) }
        #expect(throws: GreedyError.nonFinite("the target")) { try AtomProblem(atoms: Matrix(rows: 3, cols: 4, repeating: 0.5), target: [0, .infinity, 0]) }
        // Finite, but its square overflows: caught at construction, naming the neuron, before any selector sees inf.
        var huge = Matrix(rows: 3, cols: 4, repeating: 0.5)
        huge[0, 2] = 1e200
        #expect(throws: GreedyError.nonFinite("the squared norm of neuron 3 (the atoms are too large for double precision)")) {
            try AtomProblem(atoms: huge, target: [0.5, 0.5, 0.5])
        }
        // With the mean as target the target itself overflows, and is named instead of an innocent neuron 1.
        #expect(throws: GreedyError.nonFinite("the squared norm of the target (too large for double precision)")) { try AtomProblem(atoms: huge) }
        #expect(GreedyError.nonFinite("the squared norm of neuron 3 (the atoms are too large for double precision)").description
            == "non-finite value in the squared norm of neuron 3 (the atoms are too large for double precision)")
    }

    /// Atoms as large as a problem can hold: every selector either keeps a finite path or throws a divergence.
    @Test(arguments: names) func atomsAtTheEdgeOfDoublePrecisionGiveAFinitePath(name: String) throws {
        let base = try tinyProblem(seed: 3, inputs: 4, width: 9)
        let scale = 2e153  // ‖φ_i − t‖² ≤ 4·(2·2e153)² ≈ 6e307, just below the largest double (1.8e308)
        let atoms = Matrix(rows: base.inputCount, cols: base.neuronCount) { r, c in base.atoms[r, c] * scale }
        let p = try AtomProblem(atoms: atoms)
        let selector = try SelectorCatalog.all.named(name)
        do {
            let trace = try selector.run(on: p, steps: 12, stream: RandomStream(seed: 1))
            #expect(trace.loss.allSatisfy { $0.isFinite }, "\(name): \(trace.loss)")
        } catch let e {
            let d = try #require(e.divergence, "\(name): \(e)")
            #expect(d.component == name && d.quantity == "loss L_n" && d.unit == "step")
        }
    }

    /// A NaN that reaches the residual mid-run (past every check) is reported at that step, for every selector's name.
    @Test(arguments: names) func aNonFiniteLossEndsTheRunNamingSelectorStepAndQuantity(name: String) throws {
        let p = try tinyProblem(seed: 5)
        let state = try SelectionState.started(problem: p, selector: name, steps: 5, options: SelectionOptions())
        state.move(toward: 1, gamma: 0.5)
        try state.record(stepSize: 0.5, chosen: 1, needScores: true)
        state.e[0] = .nan
        do {
            try state.record(stepSize: 0.25, chosen: 2, needScores: true)
            Issue.record("\(name): a NaN loss was recorded as a result")
        } catch {
            let d = try #require(error.divergence)
            #expect(d.component == name && d.step == 3 && d.unit == "step" && d.quantity == "loss L_n" && d.value.isNaN)
            #expect(error.description == "\(name) diverged at step 3: loss L_n = nan")
        }
        #expect(state.trace.loss.count == 2 && state.trace.loss.allSatisfy { $0.isFinite })
    }
}
