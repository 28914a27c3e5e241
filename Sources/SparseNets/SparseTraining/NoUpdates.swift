import Components

/// The mask never changes (static sparse training).
public struct NoUpdates: UpdateSchedule {
    public static let name = "never"
    public static let summary = "the mask never changes"
    public static let parameters: [Parameter] = []

    public init(parameters: ParameterValues = ParameterValues()) {}

    public var interval: Int? { nil }
    public func window(totalSteps: Int) -> ClosedRange<Int> { 0...0 }
    public func amount(step t: Int, end: Int, update k: Int, of count: Int) -> UpdateAmount { .swap(fraction: 0) }
}
