import Datasets
import LinearAlgebra
import Randomness
import Testing

@Suite struct SyntheticTests {
    @Test func gaussianMixtureShapeAndSeparation() throws {
        let ds = try Synthetic.gaussianMixture(classes: 3, dimension: 4, samplesPerClass: 3000, separation: 5,
                                               stream: RandomStream(seed: 1))
        #expect(ds.count == 9000 && ds.dimension == 4 && ds.classCounts == [3000, 3000, 3000])
        // Empirical class means sit `separation` apart (up to sampling error ~ 0.04).
        var means = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 3)
        for i in 0..<ds.count { for j in 0..<4 { means[ds.labels[i]][j] += ds.features[i, j] / 3000 } }
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            let dist = zip(means[a], means[b]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            #expect(abs(dist - 5) < 0.2)
        }
        // Rows are shuffled, so the first rows are not all one class.
        #expect(Set(ds.labels.prefix(30)).count > 1)
    }

    @Test func generatorsAreSeeded() throws {
        let a = try Synthetic.gaussianMixture(classes: 4, dimension: 2, samplesPerClass: 10, separation: 2, stream: RandomStream(seed: 9))
        let b = try Synthetic.gaussianMixture(classes: 4, dimension: 2, samplesPerClass: 10, separation: 2, stream: RandomStream(seed: 9))
        let c = try Synthetic.gaussianMixture(classes: 4, dimension: 2, samplesPerClass: 10, separation: 2, stream: RandomStream(seed: 10))
        #expect(a == b && a != c)
        let t1 = try Synthetic.teacherStudent(samples: 50, dimension: 5, hidden: 8, classes: 3, stream: RandomStream(seed: 4))
        let t2 = try Synthetic.teacherStudent(samples: 50, dimension: 5, hidden: 8, classes: 3, stream: RandomStream(seed: 4))
        #expect(t1 == t2)
    }

    @Test func teacherStudentShape() throws {
        let ds = try Synthetic.teacherStudent(samples: 2000, dimension: 10, hidden: 32, classes: 4, stream: RandomStream(seed: 8))
        #expect(ds.count == 2000 && ds.dimension == 10 && ds.classCount == 4)
        // A random teacher uses several classes, none overwhelmingly.
        #expect(ds.classCounts.filter { $0 > 0 }.count >= 3)
        #expect(ds.classCounts.max() ?? 0 < 1800)
        // Inputs are standard Gaussian.
        let mean = ds.features.storage.reduce(0, +) / Double(ds.features.storage.count)
        #expect(abs(mean) < 0.05)
    }

    @Test func badArgumentsAreErrors() {
        #expect(errorText { _ = try Synthetic.gaussianMixture(classes: 0, dimension: 2, samplesPerClass: 5, separation: 1, stream: RandomStream(seed: 1)) }?
            .contains("classes") == true)
        #expect(errorText { _ = try Synthetic.gaussianMixture(classes: 2, dimension: 2, samplesPerClass: 5, separation: -1, stream: RandomStream(seed: 1)) } != nil)
        #expect(errorText { _ = try Synthetic.teacherStudent(samples: 5, dimension: 2, hidden: 0, classes: 2, stream: RandomStream(seed: 1)) }?
            .contains("hidden") == true)
    }
}
