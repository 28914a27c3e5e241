import Datasets
import Randomness
import Testing

@Suite struct SplitTests {
    private let digits = BuiltinDatasets.digits()

    @Test func digitsRecipeSizes() throws {
        let s = try stratifiedSplit(digits, fractions: (0.6, 0.2), stream: RandomStream(seed: 1))
        #expect(s.train.count == 1078 && s.validation.count == 359 && s.test.count == 360)
        #expect(s.train.name == "digits/train" && s.test.classCount == 10)
    }

    @Test func everyClassKeepsItsShare() throws {
        for ds in [digits, BuiltinDatasets.breastCancer()] {
            let s = try stratifiedSplit(ds, fractions: (0.6, 0.2), stream: RandomStream(seed: 7))
            let n = Double(ds.count)
            for part in [s.train, s.validation, s.test] {
                for (c, total) in ds.classCounts.enumerated() {
                    let expected = Double(total) * Double(part.count) / n
                    #expect(abs(Double(part.classCounts[c]) - expected) <= 1, "\(part.name) class \(c)")
                }
            }
        }
    }

    @Test func indicesPartitionTheRows() throws {
        let rows = try stratifiedSplitIndices(digits, fractions: (0.6, 0.2), stream: RandomStream(seed: 3))
        let all = rows.train + rows.validation + rows.test
        #expect(all.count == digits.count && Set(all).count == digits.count)
        #expect(rows.train == rows.train.sorted())
        let s = try stratifiedSplit(digits, fractions: (0.6, 0.2), stream: RandomStream(seed: 3))
        #expect(s.validation == digits.subset(rows.validation, name: "digits/validation"))
    }

    @Test func seedDeterminesTheSplit() throws {
        let a = try stratifiedSplitIndices(digits, fractions: (0.6, 0.2), stream: RandomStream(seed: 11))
        let b = try stratifiedSplitIndices(digits, fractions: (0.6, 0.2), stream: RandomStream(seed: 11))
        let c = try stratifiedSplitIndices(digits, fractions: (0.6, 0.2), stream: RandomStream(seed: 12))
        #expect(a.train == b.train && a.validation == b.validation && a.test == b.test)
        #expect(a.train != c.train)
    }

    @Test func roundingRule() throws {
        #expect(try stratifiedSplitSizes(count: 1797, fractions: (0.6, 0.2)) == (1078, 359, 360))
        #expect(try stratifiedSplitSizes(count: 10, fractions: (0.5, 0)) == (5, 0, 5))
    }

    @Test func badFractionsAreRejected() {
        for f in [(-0.1, 0.2), (0.6, -0.2), (0.8, 0.2), (0.9, 0.3), (0, 0.5), (Double.nan, 0.1)] {
            #expect(errorText { _ = try stratifiedSplit(digits, fractions: f, stream: RandomStream(seed: 1)) } != nil, "\(f)")
        }
        // Fractions below 1 that still round away the whole test set.
        #expect(errorText { _ = try stratifiedSplitSizes(count: 4, fractions: (0.7, 0.25)) }?.contains("test") == true)
    }

    @Test func tinyClassesStayWithinOneRow() throws {
        // Five classes of two rows: 4 / 4 / 2 rows with every class within one row of its share
        // needs three classes train+validation, one train+test, one validation+test.
        let ds = try Synthetic.gaussianMixture(classes: 5, dimension: 2, samplesPerClass: 2, separation: 1,
                                               stream: RandomStream(seed: 2))
        let rows = try stratifiedSplitIndices(ds, fractions: (0.4, 0.4), stream: RandomStream(seed: 2))
        #expect((rows.train.count, rows.validation.count, rows.test.count) == (4, 4, 2))
        #expect(Set(rows.train + rows.validation + rows.test).count == 10)
        for part in [rows.train, rows.validation, rows.test] {
            let counts = ds.subset(part).classCounts
            #expect(counts.allSatisfy { abs(Double($0) - 2 * Double(part.count) / 10) <= 1 }, "\(counts)")
        }
    }
}
