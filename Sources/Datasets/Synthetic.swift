import LinearAlgebra
import Randomness

/// Seeded synthetic classification data: everything is drawn from child streams of the given stream, so the same seed gives the same data.
public enum Synthetic {
    /// Checks a size argument, naming it in the error.
    static func requirePositive(_ value: Int, _ name: String, atLeast minimum: Int = 1) throws(DatasetError) {
        guard value >= minimum else { throw .invalidArgument("\(name) is \(value); it must be at least \(minimum)") }
    }
}
