import Datasets
import LinearAlgebra
import Testing

@Suite struct LabeledDatasetTests {
    private let features = Matrix(rows: 3, cols: 2) { i, j in Double(10 * i + j) }

    @Test func subsetKeepsRowsAndMetadata() throws {
        let ds = try LabeledDataset(name: "t", features: features, labels: [0, 2, 1], classCount: 3, featureNames: ["a", "b"])
        let s = ds.subset([2, 0])
        #expect(s.features.row(0) == [20, 21] && s.features.row(1) == [0, 1])
        #expect(s.labels == [1, 0] && s.classCount == 3 && s.featureNames == ["a", "b"])
        #expect(s.classCounts == [1, 1, 0])
        #expect(ds.count == 3 && ds.dimension == 2)
    }

    @Test func initRejectsInconsistentParts() {
        #expect(errorText { _ = try LabeledDataset(name: "t", features: features, labels: [0, 1], classCount: 2) } != nil)
        #expect(errorText { _ = try LabeledDataset(name: "t", features: features, labels: [0, 1, 2], classCount: 2) }?
            .contains("label 2 of row 3") == true)
        #expect(errorText { _ = try LabeledDataset(name: "t", features: features, labels: [0, 0, 0], classCount: 1, featureNames: ["a"]) } != nil)
        var bad = features
        bad[1, 1] = .nan
        #expect(errorText { _ = try LabeledDataset(name: "t", features: bad, labels: [0, 0, 0], classCount: 1) }?
            .contains("NaN") == true)
    }
}
