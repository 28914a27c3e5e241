import Randomness

/// The train / validation / test sizes `stratifiedSplit` produces for `count` rows.
///
/// Rounding rule: train = round(f_train · n) and validation = round(f_validation · n), rounding
/// halves away from zero; test takes the rest. For the digits (n = 1797) and 0.6 / 0.2 this
/// gives 1078 / 359 / 360. Fractions must satisfy f_train > 0, f_validation ≥ 0,
/// f_train + f_validation < 1, and leave at least one training and one test row.
public func stratifiedSplitSizes(
    count n: Int, fractions: (train: Double, validation: Double)
) throws(DatasetError) -> (train: Int, validation: Int, test: Int) {
    let (ft, fv) = fractions
    guard ft.isFinite, fv.isFinite, ft > 0, fv >= 0 else {
        throw .invalidArgument("split fractions (train \(ft), validation \(fv)) must be finite, train > 0, validation ≥ 0")
    }
    guard ft + fv < 1 else {
        throw .invalidArgument("split fractions train \(ft) + validation \(fv) must sum to less than 1 to leave a test set")
    }
    let train = Int((ft * Double(n)).rounded())
    let validation = Int((fv * Double(n)).rounded())
    let test = n - train - validation
    guard train >= 1, test >= 1 else {
        throw .invalidArgument("split fractions (train \(ft), validation \(fv)) of \(n) rows give \(train) / \(validation) / \(test) rows; train and test need at least one")
    }
    return (train, validation, test)
}

/// A seeded stratified split: each class is shuffled on its own and dealt out so every split keeps the class proportions (within one row).
///
/// Per-class sizes apportion the global sizes from `stratifiedSplitSizes` (largest remainder),
/// so the totals are exact and each class's count in each split is within one row of its
/// proportional share (guaranteed for train and validation, and for test whenever some
/// allocation allows it, which covers the shipped data). Rows keep their original order inside each split. The same
/// stream seed gives the same split; the stream is only split, never advanced.
public func stratifiedSplit(
    _ dataset: LabeledDataset, fractions: (train: Double, validation: Double), stream: RandomStream
) throws(DatasetError) -> (train: LabeledDataset, validation: LabeledDataset, test: LabeledDataset) {
    let rows = try stratifiedSplitIndices(dataset, fractions: fractions, stream: stream)
    return (dataset.subset(rows.train, name: dataset.name + "/train"),
            dataset.subset(rows.validation, name: dataset.name + "/validation"),
            dataset.subset(rows.test, name: dataset.name + "/test"))
}

/// The row indices (ascending) of the split `stratifiedSplit` makes, for callers that need to know which rows went where.
public func stratifiedSplitIndices(
    _ dataset: LabeledDataset, fractions: (train: Double, validation: Double), stream: RandomStream
) throws(DatasetError) -> (train: [Int], validation: [Int], test: [Int]) {
    let n = dataset.count
    let sizes = try stratifiedSplitSizes(count: n, fractions: fractions)
    let classCounts = dataset.classCounts
    let total = Double(max(n, 1))
    let trainQuota = classCounts.map { Double($0) * Double(sizes.train) / total }
    let validationQuota = classCounts.map { Double($0) * Double(sizes.validation) / total }
    // Train: classic largest remainder.
    let trainPerClass = apportion(sizes.train, quotas: trainQuota, capacity: classCounts,
                                  priority: trainQuota.map { $0 - $0.rounded(.down) })
    // Validation: the extra rows go where the test split would otherwise be fullest relative to
    // its quota (train's rounding error plus validation's remainder), which keeps all three
    // splits within one row of their share even for tiny classes.
    let room = zip(classCounts, trainPerClass).map { $0 - $1 }
    let testExcess = classCounts.indices.map { c in
        (trainQuota[c] - Double(trainPerClass[c])) + (validationQuota[c] - validationQuota[c].rounded(.down))
    }
    let validationPerClass = apportion(sizes.validation, quotas: validationQuota, capacity: room, priority: testExcess)

    var members = [[Int]](repeating: [], count: dataset.classCount)
    for (i, y) in dataset.labels.enumerated() { members[y].append(i) }
    let base = stream.split("stratified-split")
    var train: [Int] = [], validation: [Int] = [], test: [Int] = []
    for c in 0..<dataset.classCount {
        var rows = members[c]
        // One child stream per class, so a class's shuffle does not depend on the others.
        base.split("class-\(c)").shuffle(&rows)
        let t = trainPerClass[c], v = validationPerClass[c]
        train += rows[0..<t]
        validation += rows[t..<(t + v)]
        test += rows[(t + v)...]
    }
    return (train.sorted(), validation.sorted(), test.sorted())
}

/// Splits `amount` into per-class shares: the floor of each quota, then one more row each in order of `priority` (ties to the lower class), never exceeding `capacity`.
private func apportion(_ amount: Int, quotas: [Double], capacity: [Int], priority: [Double]) -> [Int] {
    var shares = zip(quotas, capacity).map { min(Int($0.0.rounded(.down)), $0.1) }
    var left = amount - shares.reduce(0, +)
    let order = quotas.indices.sorted { a, b in priority[a] != priority[b] ? priority[a] > priority[b] : a < b }
    // One pass settles the total unless capacity binds (tiny classes); later passes fill any
    // class with room. Total capacity is at least `amount`, so this ends; the bound is a guard.
    var pass = 0
    while left > 0 && pass <= amount {
        for c in order where left > 0 && shares[c] < capacity[c] {
            shares[c] += 1
            left -= 1
        }
        pass += 1
    }
    return shares
}
