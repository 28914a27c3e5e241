import Datasets
import LinearAlgebra
import Testing

@Suite struct CSVLoaderTests {
    @Test func numericWithHeaderParsesExactly() throws {
        let path = try TestFiles.write("atoms.csv", "a, b ,\"c\"\n1,2.5,-3e2\n4, 5 ,0.125\n\n")
        let t = try CSVLoader.loadNumeric(path: path)
        #expect(t.header == ["a", "b", "c"])
        #expect(t.values == (try Matrix(rowArrays: [[1, 2.5, -300], [4, 5, 0.125]])))
        #expect(t.rowCount == 2 && t.columnCount == 3 && t.source == path)
    }

    @Test func numericWithoutHeaderAndWindowsLineEnds() throws {
        let path = try TestFiles.write("plain.csv", "1,2\r\n3,4\r\n")
        let t = try CSVLoader.loadNumeric(path: path)
        #expect(t.header == nil)
        #expect(t.values == (try Matrix(rowArrays: [[1, 2], [3, 4]])))
    }

    @Test func raggedRowNamesLineAndColumn() throws {
        let short = try TestFiles.write("short.csv", "1,2,3\n4,5,6\n7,8\n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: short) } == "\(short):3:3: row has 2 values but line 1 has 3")
        let long = try TestFiles.write("long.csv", "x,y\n1,2\n3,4,5\n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: long) }?.hasPrefix("\(long):3:3: row has 3 values") == true)
    }

    @Test func nonNumericCell() throws {
        let path = try TestFiles.write("bad.csv", "1,2,3\n4,abc,6\n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: path) } == "\(path):2:2: 'abc' is not a number")
        // A first line mixing numbers and words is data with a typo, not a header.
        let typo = try TestFiles.write("typo.csv", "1,2,x3\n4,5,6\n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: typo) } == "\(typo):1:3: 'x3' is not a number")
    }

    @Test func nanInfinityAndEmptyCellsAreRejected() throws {
        let nan = try TestFiles.write("nan.csv", "1,2\n3,NaN\n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: nan) } == "\(nan):2:2: 'NaN' is not a finite number")
        let inf = try TestFiles.write("inf.csv", "-inf,2\n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: inf) }?.hasPrefix("\(inf):1:1:") == true)
        let huge = try TestFiles.write("huge.csv", "1,1e999\n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: huge) } == "\(huge):1:2: '1e999' is not a finite number")
        let empty = try TestFiles.write("empty.csv", "1,,3\n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: empty) } == "\(empty):1:2: empty cell")
        let hex = try TestFiles.write("hex.csv", "0x10,1\n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: hex) } == "\(hex):1:1: '0x10' is not a number")
    }

    @Test func missingAndEmptyFiles() throws {
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: "/nonexistent/data.csv") } == "/nonexistent/data.csv: no such file")
        let blank = try TestFiles.write("blank.csv", "\n  \n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: blank) } == "\(blank): no data rows")
        let quote = try TestFiles.write("quote.csv", "1,\"2\n")
        #expect(errorText { _ = try CSVLoader.loadNumeric(path: quote) } == "\(quote):1:2: unterminated quoted cell")
    }

    @Test func labeledRemapsLabelsInSortedOrder() throws {
        let path = try TestFiles.write("labeled.csv", "f1,f2,y\n0.5,1,7\n1.5,2,3\n2.5,3,7\n")
        let ds = try CSVLoader.loadLabeled(path: path)
        #expect(ds.name == "labeled.csv")
        #expect(ds.features == (try Matrix(rowArrays: [[0.5, 1], [1.5, 2], [2.5, 3]])))
        #expect(ds.labels == [1, 0, 1] && ds.originalLabels == [3, 7] && ds.classCount == 2)
        #expect(ds.featureNames == ["f1", "f2"])
    }

    @Test func labelColumnChoices() throws {
        let path = try TestFiles.write("cols.csv", "2,10,20\n-1,11,21\n2.0,12,22\n")
        let first = try CSVLoader.loadLabeled(path: path, labelColumn: .first)
        #expect(first.labels == [1, 0, 1] && first.originalLabels == [-1, 2])
        #expect(first.features.column(0) == [10, 11, 12])
        let middle = try CSVLoader.loadLabeled(path: path, labelColumn: .index(1))
        #expect(middle.originalLabels == [10, 11, 12] && middle.features.column(1) == [20, 21, 22])
        #expect(errorText { _ = try CSVLoader.loadLabeled(path: path, labelColumn: .index(3)) }?.contains("outside") == true)
    }

    @Test func nonIntegerLabel() throws {
        let path = try TestFiles.write("labels.csv", "1,2,0\n3,4,1\n5,6,1.5\n")
        #expect(errorText { _ = try CSVLoader.loadLabeled(path: path) } == "\(path):3:3: '1.5' is not an integer label")
        let word = try TestFiles.write("words.csv", "1,2,cat\n")
        #expect(errorText { _ = try CSVLoader.loadLabeled(path: word) } == "\(word):1:3: 'cat' is not an integer label")
    }

    @Test func shippedBreastCancerHeaderIsReportedNotMisread() throws {
        // scikit-learn's header "569,30,malignant,benign" does not name the 31 columns.
        let path = TestFiles.data("breast_cancer.csv")
        let text = errorText { _ = try CSVLoader.loadLabeled(path: path, header: .present) }
        #expect(text == "\(path):2:5: row has 31 values but the header on line 1 has 4 names")
    }

    @Test func errorsAreOneLine() throws {
        let path = try TestFiles.write("long-cell.csv", "1,\(String(repeating: "z", count: 500))\n")
        let text = errorText { _ = try CSVLoader.loadNumeric(path: path) } ?? ""
        #expect(!text.contains("\n") && text.count < 200 && text.hasPrefix("\(path):1:2:"))
    }
}
