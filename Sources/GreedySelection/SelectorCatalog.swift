import Foundation
import Components

/// Every selector, in the order listings and comparisons use. Adding a selector is adding its file and one line here.
public enum SelectorCatalog {
    /// All selectors, as a catalogue (names, help and unknown-name errors come from it).
    public static let all = Catalogue<any Selector.Type>(kind: "selector", [
        RandomSelector.self,
        RandomReplacementSelector.self,
        GreedyUniformSelector.self,
        GreedyLineSearchSelector.self,
        FrankWolfeLineSearchSelector.self,
        AwayStepSelector.self,
        FullyCorrectiveSelector.self,
        WorstNeuronSelector.self,
    ]) { $0.name }

    /// The selectors a user normally compares: every one that is not a negative control, in catalogue order.
    public static var standard: [any Selector.Type] { all.entries.filter { !$0.isControl } }

    /// A comma-separated list of names, or `all` for the standard set (controls are only run when named).
    public static func list(_ text: String) throws(InputError) -> [any Selector.Type] {
        text.trimmingCharacters(in: .whitespaces) == "all" ? standard : try all.list(text)
    }
}
