/// A solver's step sizes and momentum weights at iteration k, exactly as its run loop uses them.
///
/// Decayed-step solvers compute these from one schedule each; exposing the schedule lets tests pin
/// the exponents their theorems prescribe (a wrong exponent barely moves a low-noise endpoint).
public struct StepRates: Sendable, Equatable {
    /// Step on x (the update is x ← x − x·direction).
    public var x: Double
    /// Step on y (inner variable); BSA's is constant.
    public var y: Double
    /// Step on the linear-system variable z (FSLA only).
    public var z: Double? = nil
    /// Recursive-momentum weight on the x direction (α in MRBO, η in SUSTAIN/MSTSA, ρ in FSLA, τ in STABLE).
    public var momentumX: Double? = nil
    /// Recursive-momentum weight on the y direction (β in MRBO, η in SUSTAIN).
    public var momentumY: Double? = nil
    /// Inner steps per outer step (BSA's T_k).
    public var innerSteps: Int? = nil

    /// Rates with the optional parts absent unless given.
    public init(x: Double, y: Double, z: Double? = nil, momentumX: Double? = nil, momentumY: Double? = nil, innerSteps: Int? = nil) {
        self.x = x; self.y = y; self.z = z
        self.momentumX = momentumX; self.momentumY = momentumY; self.innerSteps = innerSteps
    }
}

/// A solver whose steps follow a schedule in the iteration count.
public protocol ScheduledSolver: BilevelSolver {
    /// The rates its run loop uses at iteration k (0-based).
    func rates(at k: Int) -> StepRates
}
