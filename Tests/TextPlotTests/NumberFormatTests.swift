import Testing
@testable import TextPlot

/// Compact number formatting, including the examples from the brief.
@Suite struct NumberFormatTests {
    @Test(arguments: [
        (1e-8, "1e-8"), (3.2e4, "3.2e4"), (0.058, "0.058"), (12.5, "12.5"), (400, "400"),
        (0, "0"), (-0.0, "0"), (-0.5, "-0.5"), (1, "1"), (0.001, "0.001"), (0.0001, "1e-4"),
        (9999.7, "1e4"), (123_456, "1.23e5"), (2.0 / 3.0, "0.667"), (-4.56e-12, "-4.56e-12"),
        (Double.nan, "nan"), (Double.infinity, "inf"), (-Double.infinity, "-inf"),
    ])
    func compact(value: Double, expected: String) {
        #expect(NumberFormat.compact(value) == expected)
    }

    @Test func significantDigits() {
        #expect(NumberFormat.compact(0.058, significant: 1) == "0.06")
        #expect(NumberFormat.compact(3.14159, significant: 5) == "3.1416")
        #expect(NumberFormat.compact(3.14159, significant: 0) == "3")
        #expect(NumberFormat.compact(Double.leastNonzeroMagnitude) == "4.94e-324")
    }

    @Test func superscripts() {
        #expect(NumberFormat.superscriptPower(-8) == "10⁻⁸")
        #expect(NumberFormat.superscriptPower(12) == "10¹²")
        #expect(NumberFormat.superscriptPower(0) == "10⁰")
    }

    @Test func tickLabelsShareOneNotation() {
        let labels = TickLabels.format([1e-8, 1e-6, 1e-4, 1e-2, 1]) { abs($0) * 1e-3 }
        #expect(labels == ["1e-8", "1e-6", "1e-4", "1e-2", "1e0"])
        let linear = TickLabels.format([0, 0.1, 0.2, 0.30000000000000004]) { _ in 1e-4 }
        #expect(linear == ["0", "0.1", "0.2", "0.3"])
    }
}
