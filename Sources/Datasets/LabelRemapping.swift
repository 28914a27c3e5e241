/// Maps arbitrary integer labels from a file onto 0..<k, in ascending order of the original values.
enum LabelRemapping {
    /// The remapped labels and, per class, the value it had in the file.
    static func remap(_ raw: [Int]) -> (labels: [Int], originalLabels: [Int]) {
        // Sorted order makes the mapping predictable: ±1 → 0/1, digits 0…9 stay themselves.
        let values = Array(Set(raw)).sorted()
        var index: [Int: Int] = [:]
        for (k, v) in values.enumerated() { index[v] = k }
        return (raw.map { index[$0] ?? 0 }, values)
    }
}
