import Datasets
import LinearAlgebra

/// The documented limits of greedy-selection runs, and the checks that turn bad input into one-line errors.
public enum GreedyValidation {
    /// Largest number of selection steps a run may ask for.
    public static let maxSteps = 100_000
    /// Largest width N.
    public static let maxWidth = 1_000_000
    /// Largest number of inputs M.
    public static let maxInputs = 100_000
    /// Largest input dimension d.
    public static let maxDimension = 10_000
    /// Largest M·N (entries of the atom matrix: 8 bytes each, so 2 GB).
    public static let maxEntries = 250_000_000

    /// Checks N ≥ 1, M ≥ 1, d ≥ 1 and the caps.
    public static func checkSizes(width: Int, inputs: Int, dimension: Int) throws(GreedyError) {
        guard width >= 1 else { throw .invalidArgument("width N must be at least 1, got \(width)") }
        guard inputs >= 1 else { throw .invalidArgument("number of inputs M must be at least 1, got \(inputs)") }
        guard dimension >= 1 else { throw .invalidArgument("input dimension d must be at least 1, got \(dimension)") }
        guard width <= maxWidth else { throw .invalidArgument("width N = \(width) is above the cap \(maxWidth)") }
        guard inputs <= maxInputs else { throw .invalidArgument("number of inputs M = \(inputs) is above the cap \(maxInputs)") }
        guard dimension <= maxDimension else { throw .invalidArgument("input dimension d = \(dimension) is above the cap \(maxDimension)") }
        guard width.multipliedReportingOverflow(by: inputs).partialValue <= maxEntries, width <= maxEntries / max(inputs, 1) else {
            throw .invalidArgument("M·N = \(inputs)·\(width) atom entries is above the cap \(maxEntries)")
        }
    }

    /// Checks 1 ≤ n_max ≤ `maxSteps`.
    public static func checkSteps(_ steps: Int) throws(GreedyError) {
        guard steps >= 1 else { throw .invalidArgument("n_max must be at least 1, got \(steps)") }
        guard steps <= maxSteps else { throw .invalidArgument("n_max = \(steps) is above the cap \(maxSteps)") }
    }

    /// Checks a tolerance ε ∈ (0, ∞) on the loss.
    public static func checkTolerance(_ eps: Double) throws(GreedyError) {
        guard eps.isFinite, eps > 0 else { throw .invalidArgument("tolerance ε must be a positive finite number, got \(eps)") }
    }

    /// Loads a user's atom matrix: a CSV of M rows × N neuron columns, optionally with the target as the last column.
    ///
    /// Parse errors (NaN, empty cells, ragged rows) come from the Datasets loader and name file:line:column.
    public static func loadAtoms(path: String, targetColumn: Bool) throws(GreedyError) -> AtomProblem {
        let table: NumericTable
        do { table = try CSVLoader.loadNumeric(path: path) } catch { throw .invalidArgument(error.description) }
        let v = table.values
        let neurons = targetColumn ? v.cols - 1 : v.cols
        guard v.rows >= 1 else { throw .invalidArgument("\(path): no data rows (need M ≥ 1 inputs)") }
        guard neurons >= 1 else { throw .invalidArgument("\(path): no neuron columns (need N ≥ 1)" + (targetColumn ? " besides the target column" : "")) }
        let atoms = v.columns(Array(0..<neurons))
        let target = targetColumn ? v.column(v.cols - 1) : nil
        do { return try AtomProblem(atoms: atoms, target: target) } catch { throw .invalidArgument("\(path): \(error.description)") }
    }
}
