/// A run that blew up: which component, at which step, and which quantity stopped being finite or bounded.
///
/// A diverged run is named, never passed off as a result: commands that meet one print their
/// report, write their record, and exit 1 with this description on stderr.
public struct Divergence: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The solver, training run or selector that diverged ("mrbo", "rigl seed 3").
    public var component: String
    /// The step (iteration, oracle call or epoch, as `unit` says) at which it was detected.
    public var step: Int
    /// What the step counts ("oracle calls", "epoch", "iteration").
    public var unit: String
    /// The quantity that diverged ("‖x‖", "training loss").
    public var quantity: String
    /// Its value when detected (inf, nan or a huge number).
    public var value: Double

    public init(component: String, step: Int, unit: String, quantity: String, value: Double) {
        self.component = component
        self.step = step
        self.unit = unit
        self.quantity = quantity
        self.value = value
    }

    public var description: String { "\(component) diverged at \(unit) \(step): \(quantity) = \(value)" }
}
