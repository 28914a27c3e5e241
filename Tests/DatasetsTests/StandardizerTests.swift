import Datasets
import LinearAlgebra
import Randomness
import Testing

@Suite struct StandardizerTests {
    @Test func trainingSplitGetsMeanZeroSdOne() throws {
        let s = try stratifiedSplit(BuiltinDatasets.digits(), fractions: (0.6, 0.2), stream: RandomStream(seed: 5))
        let z = try Standardizer(fitting: s.train)
        let train = try z.apply(s.train)
        let n = Double(train.count)
        var constant = 0
        for j in 0..<train.dimension {
            let col = train.features.column(j)
            let mean = col.reduce(0, +) / n
            let sd = (col.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
            #expect(abs(mean) < 1e-12)
            if z.scales[j] == 1 && sd == 0 {
                constant += 1  // zero-sd pixels: scale 1, values all 0 after centring
            } else {
                #expect(abs(sd - 1) < 1e-12)
            }
        }
        // The digits have a few always-blank pixels (e.g. the top-left corner).
        #expect(constant >= 1)
        #expect(try z.apply(s.test).labels == s.test.labels)
    }

    @Test func constantColumnsGetScaleOne() throws {
        let m = try Matrix(rowArrays: [[3, 1], [3, 2], [3, 6]])
        let z = try Standardizer(fitting: m)
        #expect(z.means == [3, 3] && z.scales[0] == 1)
        #expect(abs(z.scales[1] - (14.0 / 3).squareRoot()) < 1e-12)
        #expect(try z.apply(m).column(0) == [0, 0, 0])
    }

    @Test func wrongWidthIsAnError() throws {
        let z = try Standardizer(fitting: Matrix(rows: 2, cols: 3, repeating: 1))
        #expect(errorText { _ = try z.apply(Matrix(rows: 2, cols: 2)) }?.contains("3 features") == true)
        #expect(errorText { _ = try Standardizer(fitting: Matrix(rows: 0, cols: 3)) } != nil)
    }
}
