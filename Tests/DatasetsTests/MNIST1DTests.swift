import Components
import Datasets
import Foundation
import LinearAlgebra
import Testing

/// MNIST-1D as shipped: the embedded copy equals data/mnist1d* bit for bit, the files match their manifest,
/// and the policy keeps the package's test split and carves validation from its training rows.
@Suite struct MNIST1DTests {
    static let names = ["mnist1d", "mnist1d-shuffle"]

    /// data/mnist1d.sha256 as name → digest.
    private func manifest() throws -> [String: String] {
        let text = try String(contentsOfFile: TestFiles.data("mnist1d.sha256"), encoding: .utf8)
        var m = [String: String]()
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            m[String(parts[1])] = String(parts[0])
        }
        return m
    }

    /// The bytes of a file under data/.
    private func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestFiles.data(name)))) }

    @Test func shapesLabelsAndValuesAreThePackagesOwn() throws {
        let d = BuiltinDatasets.mnist1d()
        #expect(d.count == 5000 && d.dimension == 40 && d.classCount == 10)
        // spec/mnist1d.md: the first ten training labels of the default arguments, seed 42.
        #expect(Array(d.labels.prefix(10)) == [2, 6, 4, 5, 6, 6, 6, 0, 3, 1])
        #expect(Array(d.labels[4000..<4010]) == [2, 6, 3, 9, 4, 3, 1, 9, 5, 2])
        // Values numpy prints for x[0, 0], x[0, 39], x_test[0, 0], x_test[999, 39].
        #expect(d.features[0, 0] == -0.3320056673693902 && d.features[0, 39] == -0.8901663884753127)
        #expect(d.features[4000, 0] == -0.07877078047732886 && d.features[4999, 39] == 1.193151836835276)
        #expect(d.subset(Array(0..<4000)).classCounts == [398, 396, 411, 394, 394, 402, 401, 404, 402, 398])
        #expect(d.subset(Array(4000..<5000)).classCounts == [102, 104, 89, 106, 106, 98, 99, 96, 98, 102])
        // The package standardised x as a whole (all 200,000 values): mean 0, sd 1.
        let values = d.features.storage
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        #expect(abs(mean) < 1e-12 && abs(sd - 1) < 1e-12)
        #expect(values.min() == -5.479419072154895 && values.max() == 4.533515672898283)
    }

    @Test func theShuffledVariantIsAColumnPermutationWithTheSameLabels() {
        let d = BuiltinDatasets.mnist1d(), s = BuiltinDatasets.mnist1dShuffle()
        #expect(s.labels == d.labels && s.count == 5000 && s.dimension == 40)
        // The permutation numpy drew after the batch shuffle (seed 42): column j of the shuffled set is column perm[j].
        let perm = [19, 22, 4, 32, 17, 18, 28, 31, 11, 24, 23, 7, 25, 35, 34, 6, 3, 13, 12, 26,
                    1, 27, 20, 10, 36, 9, 37, 29, 8, 30, 5, 38, 16, 15, 33, 39, 14, 21, 0, 2]
        var mismatches = 0
        for j in 0..<40 { for i in 0..<5000 where s.features[i, j].bitPattern != d.features[i, perm[j]].bitPattern { mismatches += 1 } }
        #expect(mismatches == 0)
    }

    @Test(arguments: names) func theEmbeddedCopyEqualsTheFilesWhichMatchTheManifest(name: String) throws {
        let m = try manifest()
        let info = try #require(BuiltinDatasets.info(named: name))
        #expect(info.files.map(\.name) == [name + ".x.f64", name + ".y.u8"])
        for f in info.files {
            #expect(m[f.name] == f.sha256, "\(f.name): the catalogue's digest is not the manifest's")
            #expect(SHA256.hex(try bytes(f.name)) == f.sha256, "\(f.name): the file does not match its digest")
        }
        let x = try bytes(name + ".x.f64"), y = try bytes(name + ".y.u8")
        #expect(x.count == 5000 * 40 * 8 && y.count == 5000)
        let d = try BuiltinDatasets.named(name)
        var mismatches = 0
        x.withUnsafeBytes { raw in
            for i in 0..<5000 {
                for j in 0..<40 where UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * (40 * i + j), as: UInt64.self))
                    != d.features[i, j].bitPattern { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect(d.labels == y.map(Int.init))
        #expect(info.count == d.count && info.dimension == d.dimension && info.classCount == d.classCount)
        #expect(info.licence == "Apache-2.0" && info.citation.contains("Scaling Down Deep Learning") && info.publishedTestRows == 1000)
    }

    @Test func theManifestCoversEveryFileAndTheOtherSetsDigestsAreTheirCSVs() throws {
        #expect(try manifest().keys.sorted() == ["mnist1d-shuffle.x.f64", "mnist1d-shuffle.y.u8", "mnist1d.x.f64", "mnist1d.y.u8"])
        for name in ["digits", "breast-cancer"] {
            let f = try #require(BuiltinDatasets.info(named: name)?.files.first)
            #expect(SHA256.hex(try bytes(f.name)) == f.sha256)
        }
    }

    @Test func thePolicyKeepsThePackagesTestRowsAndCarvesAStratifiedValidationFromTraining() throws {
        let all = BuiltinDatasets.mnist1d()
        let raw = try DataPolicy.parts(all, publishedTestRows: 1000)
        #expect(raw.train.count == 3000 && raw.validation.count == 1000 && raw.test.count == 1000)
        #expect(raw.test.features == all.subset(Array(4000..<5000)).features && raw.test.labels == Array(all.labels[4000...]))
        // Rows are told apart by their bits (every signal is distinct): train and validation partition rows 0..<4000.
        func keys(_ d: LabeledDataset) -> Set<[UInt64]> {
            Set((0..<d.count).map { i in (0..<d.dimension).map { d.features[i, $0].bitPattern } })
        }
        let tr = keys(raw.train), va = keys(raw.validation), pool = keys(all.subset(Array(0..<4000)))
        #expect(tr.count == 3000 && va.count == 1000 && tr.isDisjoint(with: va) && tr.union(va) == pool)
        // Stratified: each class's validation share is within one row of a quarter of its training rows.
        let poolCounts = [398, 396, 411, 394, 394, 402, 401, 404, 402, 398]
        for (c, v) in raw.validation.classCounts.enumerated() { #expect(abs(Double(v) - Double(poolCounts[c]) / 4) < 1, "class \(c): \(v)") }
        #expect(raw.validation.classCounts == [99, 99, 103, 98, 98, 101, 100, 101, 101, 100])

        let split = try DataPolicy.load("mnist1d")
        #expect(split.train.count == 3000 && split.validation.count == 1000 && split.test?.count == 1000)
        #expect(split.policy == "the source's own 4000/1000 train/test split; validation carved from its training rows 60:20, stratified (split seed 1): 3000/1000/1000; standardised on the training part")
        #expect(split.provenance.map(\.rows) == [5000] && split.provenance[0].source == "mnist1d")
        let f = split.train.features
        for j in 0..<40 {
            var mean = 0.0
            for i in 0..<f.rows { mean += f[i, j] }
            #expect(abs(mean / Double(f.rows)) < 1e-12)
        }
        #expect(try DataPolicy.sizes(rows: 5000, publishedTestRows: 1000) == (3000, 1000, 1000))
        #expect(try DataPolicy.sizes(rows: 1797) == (1078, 359, 360))
        #expect(BuiltinDatasets.info(named: "MNIST1D_shuffle")?.splitSizes == [3000, 1000, 1000])
    }

    @Test func exportedPartsReadBackExactlyAndAsOwnSplitReproduceTheShippedSplit() throws {
        var paths = [DataPart: String]()
        for part in DataPart.allCases {
            let d = try DataPolicy.part("mnist1d", part)
            let path = try TestFiles.write("\(part.rawValue).csv", CSVWriter.text(d))
            paths[part] = path
            // Parsing is the cost here: one part read back on its own is enough to see every digit survive.
            guard part == .test else { continue }
            let back = try CSVLoader.loadLabeled(path: path)
            #expect(back.count == d.count && back.dimension == 40)
            #expect(back.features.storage.map(\.bitPattern) == d.features.storage.map(\.bitPattern))
            #expect(back.labels == d.labels && back.featureNames?.first == "x0")
        }
        let own = try DataPolicy.ownSplit(train: paths[.train]!, validation: paths[.validation]!, test: paths[.test]!)
        let shipped = try DataPolicy.load("mnist1d")
        #expect(own.train.features == shipped.train.features && own.validation.features == shipped.validation.features)
        #expect(own.test?.features == shipped.test?.features && own.test?.labels == shipped.test?.labels)
        #expect(errorText { _ = try DataPolicy.part("mnist", .test) } == "unknown data set 'mnist' (known: digits, breast-cancer, mnist1d, mnist1d-shuffle)")
    }
}
