import Datasets
import Foundation
import LinearAlgebra
import Testing

/// The compiled-in data must equal the shipped CSVs value for value.
@Suite struct EmbeddedDataTests {
    /// Rows of a CSV parsed independently of the loaders under test.
    private func csvRows(_ name: String, skipHeader: Bool) throws -> [[Double]] {
        let text = try String(contentsOfFile: TestFiles.data(name), encoding: .utf8)
        let lines = text.split(separator: "\n").dropFirst(skipHeader ? 1 : 0)
        return try lines.map { line in
            try line.split(separator: ",").map { cell in
                guard let v = Double(cell) else { throw CocoaError(.formatting) }
                return v
            }
        }
    }

    private func expectEqual(_ ds: LabeledDataset, _ rows: [[Double]]) {
        #expect(ds.count == rows.count)
        var mismatches = 0
        for (i, row) in rows.enumerated() where i < ds.count {
            for j in 0..<ds.dimension where ds.features[i, j] != row[j] { mismatches += 1 }
            if Double(ds.labels[i]) != row[ds.dimension] { mismatches += 1 }
            if row.count != ds.dimension + 1 { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func digitsEqualTheCSV() throws {
        let digits = BuiltinDatasets.digits()
        #expect(digits.count == 1797 && digits.dimension == 64 && digits.classCount == 10)
        expectEqual(digits, try csvRows("digits.csv", skipHeader: false))
        #expect(digits.features.storage.allSatisfy { (0...16).contains($0) && $0 == $0.rounded() })
    }

    @Test func breastCancerEqualsTheCSV() throws {
        let bc = BuiltinDatasets.breastCancer()
        #expect(bc.count == 569 && bc.dimension == 30 && bc.classCount == 2)
        expectEqual(bc, try csvRows("breast_cancer.csv", skipHeader: true))
        #expect(bc.featureNames?.first == "mean radius" && bc.featureNames?[10] == "radius error"
            && bc.featureNames?[20] == "worst radius")
        #expect(bc.classNames == ["malignant", "benign"])
    }

    @Test func classCounts() {
        #expect(BuiltinDatasets.digits().classCounts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        #expect(BuiltinDatasets.breastCancer().classCounts == [212, 357])
    }

    @Test func csvLoaderReadsTheShippedDigits() throws {
        let loaded = try CSVLoader.loadLabeled(path: TestFiles.data("digits.csv"))
        let embedded = BuiltinDatasets.digits()
        #expect(loaded.features == embedded.features)
        #expect(loaded.labels == embedded.labels)
        #expect(loaded.originalLabels == Array(0...9))
    }

    @Test func namedLookup() throws {
        #expect(try BuiltinDatasets.named("digits") == BuiltinDatasets.digits())
        #expect(try BuiltinDatasets.named("breast-cancer").count == 569)
        let text = errorText { _ = try BuiltinDatasets.named("mnist") }
        #expect(text == "unknown data set 'mnist' (known: digits, breast-cancer, mnist1d, mnist1d-shuffle)")
        #expect(BuiltinDatasets.catalog.map(\.count) == [1797, 569, 5000, 5000])
        #expect(try BuiltinDatasets.named("breast_cancer").count == 569)
    }
}
