import Components
import Datasets
import Foundation
import Testing

@Suite struct DataPolicyTests {
    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // 56 bytes: the padding spills into a second block.
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func formatIsChosenByExtensionTheSameWayEverywhere() throws {
        let csv = try TestFiles.write("a.csv", "1,2,0\n3,4,1\n")
        let svm = try TestFiles.write("a.txt", "0 1:1 2:2\n1 1:3 2:4\n")
        #expect(try DataLoader.load(csv).features.cols == 2)
        #expect(try DataLoader.load(svm).features.cols == 2)
        let odd = try TestFiles.write("a.dat", "1,2,0\n")
        #expect(errorText { _ = try DataLoader.load(odd) }?.contains("unknown data format '.dat'") == true)
        #expect(errorText { _ = try DataLoader.load("nonsense") }?.contains("unknown data set 'nonsense'") == true)
    }

    @Test func theDefaultPolicyIsTheStratified602020SplitStandardisedOnTrain() throws {
        let split = try DataPolicy.split(BuiltinDatasets.digits())
        #expect(split.train.count == 1078 && split.validation.count == 359 && split.test?.count == 360)
        // Standardised on the training part: its columns have mean 0 (constant columns stay 0).
        let f = split.train.features
        for j in 0..<f.cols {
            var mean = 0.0
            for i in 0..<f.rows { mean += f[i, j] }
            #expect(abs(mean / Double(f.rows)) < 1e-12)
        }
        #expect(split.provenance.first?.sha256 == nil)
    }

    @Test func ownSplitMapsLabelsIntoTheTrainingClassesAndStandardisesOnTrainOnly() throws {
        // The validation file lacks class 5, so its loader numbers 9 as class 1: it must become class 2.
        let train = try TestFiles.write("train.csv", "0,1\n2,1\n4,5\n6,5\n8,9\n10,9\n")
        let validation = try TestFiles.write("val.csv", "3,1\n7,9\n")
        let split = try DataPolicy.ownSplit(train: train, validation: validation)
        #expect(split.train.classCount == 3 && split.validation.classCount == 3)
        #expect(split.validation.labels == [0, 2])
        // Train mean 5, population sd √(70/6): validation 3 → −2/sd, 7 → 2/sd.
        let sd = (70.0 / 6).squareRoot()
        #expect(abs(split.validation.features[0, 0] - (-2 / sd)) < 1e-12)
        #expect(abs(split.validation.features[1, 0] - (2 / sd)) < 1e-12)
        #expect(split.provenance.map(\.role) == ["train", "validation"])
        #expect(split.provenance[0].sha256 == SHA256.hex(Array("0,1\n2,1\n4,5\n6,5\n8,9\n10,9\n".utf8)))
        let unseen = try TestFiles.write("bad.csv", "3,1\n7,4\n")
        #expect(errorText { _ = try DataPolicy.ownSplit(train: train, validation: unseen) }?.contains("label 4, which the training file") == true)
        let wide = try TestFiles.write("wide.csv", "3,3,1\n")
        #expect(errorText { _ = try DataPolicy.ownSplit(train: train, validation: wide) }?.contains("2 features, but the training file") == true)
    }
}
