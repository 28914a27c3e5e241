extension DynamicSparsity {
    /// The grow criterion reads the dense gradient every step (momentum growth) or on the steps that update the mask (RigL); other steps may run CSR.
    public func needsDenseGradient(step: Int) -> Bool {
        switch method.gradientUse {
        case .everyStep: return true
        case .updateStep: return next < plan.steps.count && plan.steps[next] == step + 1
        case .none: return false
        }
    }
}
