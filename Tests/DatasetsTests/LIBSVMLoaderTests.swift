import Datasets
import LinearAlgebra
import Testing

@Suite struct LIBSVMLoaderTests {
    @Test func goodFileParsesExactly() throws {
        let path = try TestFiles.write("a.svm", "+1 1:0.5 3:2\n-1 2:1.5\n# a comment line\n\n+1\t1:1 2:-2 3:3e-1  # trailing\n")
        let ds = try LIBSVMLoader.load(path: path)
        #expect(ds.features == (try Matrix(rowArrays: [[0.5, 0, 2], [0, 1.5, 0], [1, -2, 0.3]])))
        #expect(ds.labels == [1, 0, 1] && ds.originalLabels == [-1, 1] && ds.name == "a.svm")
        let wide = try LIBSVMLoader.load(path: path, featureCount: 5)
        #expect(wide.dimension == 5 && wide.features.column(4) == [0, 0, 0])
    }

    @Test func multiclassIntegerLabels() throws {
        let path = try TestFiles.write("m.svm", "3 1:1\n1 2:1\n2 1:2\n")
        let ds = try LIBSVMLoader.load(path: path)
        #expect(ds.labels == [2, 0, 1] && ds.classCount == 3)
    }

    @Test func badTokensNameLineAndColumn() throws {
        let path = try TestFiles.write("bad.svm", "1 1:0.5\n1 1:0.5 abc\n")
        #expect(errorText { _ = try LIBSVMLoader.load(path: path) } == "\(path):2:9: 'abc' is not index:value")
        let value = try TestFiles.write("value.svm", "1 12:x\n")
        #expect(errorText { _ = try LIBSVMLoader.load(path: value) } == "\(value):1:6: 'x' is not a number (in '12:x')")
        let nan = try TestFiles.write("nan.svm", "1 2:nan\n")
        #expect(errorText { _ = try LIBSVMLoader.load(path: nan) }?.hasPrefix("\(nan):1:5: 'nan' is not a finite number") == true)
        let order = try TestFiles.write("order.svm", "1 3:1 2:1\n")
        #expect(errorText { _ = try LIBSVMLoader.load(path: order) }?.hasPrefix("\(order):1:7: index 2 does not ascend") == true)
        let zero = try TestFiles.write("zero.svm", "1 0:1\n")
        #expect(errorText { _ = try LIBSVMLoader.load(path: zero) }?.hasPrefix("\(zero):1:3:") == true)
        let label = try TestFiles.write("label.svm", "0.5 1:1\n")
        #expect(errorText { _ = try LIBSVMLoader.load(path: label) } == "\(label):1:1: '0.5' is not an integer label")
        let wide = try TestFiles.write("wide.svm", "1 1:1 9:1\n")
        #expect(errorText { _ = try LIBSVMLoader.load(path: wide, featureCount: 4) } == "\(wide):1:7: index 9 exceeds the feature count 4")
    }

    @Test func missingFile() {
        #expect(errorText { _ = try LIBSVMLoader.load(path: "/nonexistent/x.svm") } == "/nonexistent/x.svm: no such file")
    }
}
