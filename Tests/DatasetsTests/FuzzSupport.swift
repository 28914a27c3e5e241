import Datasets
import Foundation

// Deterministic input generation for FuzzTests: a seeded generator, byte-level mutations of
// valid files, and the checks every rejection must pass.

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, the same sequence on every platform.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The generator of case `index` of a run seeded with `seed`: each case can be replayed alone.
    init(seed: UInt64, case index: Int) {
        var mixer = SplitMix64(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n (n > 0; the modulo bias is irrelevant here).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(UInt64(1) << 53) < p }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Scratch files for one fuzz run: one directory, files overwritten case after case.
final class FuzzDirectory {
    let url: URL

    init(_ name: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-fuzz-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes with stdio: Foundation's `Data.write` calls fsync, which made a run of thousands of
    /// cases disk-bound; the old file is unlinked first because ext4 also flushes a file that is
    /// truncated and rewritten.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        unlink(path)
        guard let file = fopen(path, "wb") else { throw CocoaError(.fileWriteUnknown) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard fclose(file) == 0, written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
        return path
    }
}

/// Runs `count` cases of one fuzz target and collects failures with their case numbers.
///
/// Set FUZZ_TRACE=1 to print each case before it runs (to find the input that traps, since a
/// trap ends the process), FUZZ_ONLY=name:case to replay one case, FUZZ_VERBOSE=1 to list every failure.
struct FuzzRun {
    let name: String
    let seed: UInt64
    let count: Int
    private(set) var failures: [String] = []
    private(set) var accepted = 0
    private(set) var rejected = 0
    /// The slowest case and its duration, to keep the run within its time budget.
    private(set) var slowest: (index: Int, duration: Duration) = (0, .zero)

    init(_ name: String, seed: UInt64, count: Int) {
        self.name = name
        self.seed = seed
        self.count = count
    }

    mutating func run(_ body: (inout SplitMix64, Int) throws -> FuzzOutcome) {
        let only = ProcessInfo.processInfo.environment["FUZZ_ONLY"]
        let trace = ProcessInfo.processInfo.environment["FUZZ_TRACE"] != nil
        for index in 0..<count {
            if let only, only != "\(name):\(index)" { continue }
            if trace { FileHandle.standardError.write(Data("fuzz \(name) seed \(seed) case \(index)\n".utf8)) }
            var rng = SplitMix64(seed: seed, case: index)
            let start = ContinuousClock.now
            defer {
                let duration = ContinuousClock.now - start
                if duration > slowest.duration { slowest = (index, duration) }
            }
            do {
                switch try body(&rng, index) {
                case .accepted: accepted += 1
                case .rejected: rejected += 1
                case .failed(let why, let input):
                    failures.append("\(name) seed \(seed) case \(index) (replay with FUZZ_ONLY=\(name):\(index)): \(why)\n    input: \(preview(input))")
                }
            } catch {
                failures.append("\(name) seed \(seed) case \(index): harness error \(error)")
            }
        }
    }

    /// One line for the log: counts, and the first failures in full.
    var summary: String {
        "\(name): \(accepted + rejected + failures.count) cases, \(accepted) accepted, \(rejected) rejected, \(failures.count) failed"
            + " (slowest: case \(slowest.index), \(slowest.duration))"
            + failures.prefix(ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] == nil ? 8 : .max).map { "\n  " + $0 }.joined()
    }
}

enum FuzzOutcome {
    case accepted
    case rejected
    /// What went wrong and the input (first file) that caused it.
    case failed(String, [UInt8])
}

/// A short, escaped rendering of an input for failure messages.
func preview(_ bytes: [UInt8], limit: Int = 240) -> String {
    var out = ""
    for b in bytes.prefix(limit) {
        switch b {
        case 0x20...0x7E where b != UInt8(ascii: "\\"): out.append(Character(UnicodeScalar(b)))
        case UInt8(ascii: "\n"): out += "\\n"
        case UInt8(ascii: "\r"): out += "\\r"
        case UInt8(ascii: "\t"): out += "\\t"
        default: out += String(format: "\\x%02X", b)
        }
    }
    return "\"" + out + "\"" + (bytes.count > limit ? " … (\(bytes.count) bytes)" : "")
}

/// Byte-level mutations of a valid text file, biased towards what breaks parsers.
enum TextMutator {
    /// Tokens worth injecting: non-finite and extreme numbers, separators, line ends, encodings.
    static let tokens: [[UInt8]] = {
        let text = [
            "nan", "NaN", "-nan", "inf", "-inf", "+Infinity", "1e999", "-1e999", "1e308", "-1.7976931348623157e308",
            "4.9e-324", "1e-400", "0x1p3", "1e", ".", "-", "+", "--1", "1.2.3", "1,5", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "18446744073709551616", "2147483648", "4294967295",
            "-1", "0", "+1", "1.5", "3.0", "1e3", "007", "  ", "\t", "\"", "\"\"", ",", ",,", ":", "::", "0:1",
            "#", "\n", "\r\n", "\r", "\n\n", "\u{FEFF}", "\u{0}", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}",
            "\u{2029}", "\u{1B}[31m", "é", "e\u{301}", "\u{301}", "١", "１", "qid:3", "1:1", "-1:1", "0:1",
            "2147483648:1", "9223372036854775807:1", "99999999999999999999:1", "4:nan", "3:1e999",
        ]
        return text.map { Array($0.utf8) } + [[0xFF], [0xFE, 0xFF], [0xC3], [0xE2, 0x82], [0xC0, 0x80], [0xED, 0xA0, 0x80]]
    }()

    /// Bytes that end a token in CSV and LIBSVM text.
    static let separators: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"),
                                         UInt8(ascii: "\r"), UInt8(ascii: ":"), UInt8(ascii: "\"")]

    /// Applies 1…`maxRounds` random mutations.
    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64, maxRounds: Int = 4) -> [UInt8] {
        var b = input
        for _ in 0..<rng.int(1...maxRounds) { mutateOnce(&b, &rng) }
        return b
    }

    static func mutateOnce(_ b: inout [UInt8], _ rng: inout SplitMix64) {
        let p = b.isEmpty ? 0 : rng.below(b.count)
        switch rng.below(14) {
        case 0 where !b.isEmpty: b[p] ^= UInt8(1) << UInt8(rng.below(8))
        case 1 where !b.isEmpty: b[p] = UInt8(truncatingIfNeeded: rng.next())
        case 2: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.int(0...b.count))
        case 3, 4: b.insert(contentsOf: rng.pick(tokens), at: rng.int(0...b.count))
        case 5 where !b.isEmpty, 6 where !b.isEmpty:
            // Replace the whole token around p (a cell, an index or a value) with an odd one.
            var lo = p, hi = p
            while lo > 0, !separators.contains(b[lo - 1]) { lo -= 1 }
            while hi < b.count, !separators.contains(b[hi]) { hi += 1 }
            b.replaceSubrange(lo..<hi, with: rng.pick(tokens))
        case 7 where !b.isEmpty:
            b.removeSubrange(p..<min(b.count, p + rng.int(1...8)))
        case 8 where !b.isEmpty:
            let end = min(b.count, p + rng.int(1...24))
            b.insert(contentsOf: b[p..<end], at: rng.int(0...b.count))
        case 9 where !b.isEmpty:
            b.removeSubrange(rng.int(0...b.count)...)
        case 10:
            // Change every line end: CRLF, lone CR, or blank lines in between.
            let end = rng.pick([[UInt8(ascii: "\r"), UInt8(ascii: "\n")], [UInt8(ascii: "\r")], [UInt8(ascii: "\n"), UInt8(ascii: "\n")]])
            b = Array(b.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init).joined(separator: end))
        case 11: b.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: rng.chance(0.7) ? 0 : rng.int(0...b.count))
        case 12 where rng.chance(0.25):
            // A very long line or cell.
            let unit = rng.pick([Array("1".utf8), Array("1,".utf8), Array("9".utf8), Array(" ".utf8), Array("1:1 ".utf8), [0xCC, 0x81]])
            let long = Array(repeatElement(unit, count: rng.int(1_000...40_000)).joined())
            b.insert(contentsOf: long, at: rng.int(0...b.count))
        case 13:
            // Swap two lines.
            var lines = b.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            if lines.count >= 2 {
                lines.swapAt(rng.below(lines.count), rng.below(lines.count))
                b = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            }
        default:
            b.insert(UInt8(ascii: "\n"), at: rng.int(0...b.count))
        }
    }
}

/// The lines of a text file as editors and `grep -n` count them: split at "\n", "\r\n" and "\r" only.
func editorLines(_ bytes: [UInt8]) -> [String] {
    var text = bytes
    if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
    var lines: [String] = []
    var current: [UInt8] = []
    var i = 0
    while i < text.count {
        let c = text[i]
        if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
            lines.append(String(decoding: current, as: UTF8.self))
            current = []
            if c == UInt8(ascii: "\r"), i + 1 < text.count, text[i + 1] == UInt8(ascii: "\n") { i += 1 }
        } else {
            current.append(c)
        }
        i += 1
    }
    lines.append(String(decoding: current, as: UTF8.self))
    return lines
}

/// Why `error` is not an acceptable rejection of a text file at `path` (nil when it is).
///
/// Acceptable: one line, no control characters; either `path:line:col: message` with the line
/// inside the file and the column inside that line, or a whole-file `.malformed` naming `path`.
func textRejectionProblem(_ error: Error, path: String, bytes: [UInt8], csv: Bool) -> String? {
    guard let error = error as? DatasetError else { return "not a DatasetError: \(error)" }
    let text = error.description
    if let problem = oneLineProblem(text) { return problem }
    switch error {
    case .syntax(let file, let line, let column, _):
        guard file == path else { return "names \(file), not \(path)" }
        guard text.hasPrefix("\(path):\(line):\(column): ") else { return "not file:line:col: \(text)" }
        let lines = editorLines(bytes)
        guard line >= 1, line <= lines.count else { return "line \(line) is outside the file's \(lines.count) lines: \(text)" }
        let content = lines[line - 1]
        // CSV columns are field numbers; LIBSVM columns are character positions of a token.
        let limit = csv ? content.filter { $0 == "," }.count + 2 : content.count + 1
        guard column >= 1, column <= limit else { return "column \(column) is outside line \(line) (limit \(limit)): \(text)" }
        return nil
    case .malformed(let file, let message):
        guard file == path else { return "names \(file), not \(path)" }
        let wholeFile = ["no data rows", "no data lines", "rows have 1 column", "no feature has a value", "featureCount "]
        guard wholeFile.contains(where: { message.hasPrefix($0) }) else { return "whole-file error for what should have a position: \(text)" }
        return nil
    default:
        return "wrong kind of error: \(text)"
    }
}

/// Why `text` is not one clean line of at most a few hundred characters (nil when it is).
func oneLineProblem(_ text: String, extra: Int = 0) -> String? {
    // Tabs are harmless; other control characters (NUL, VT, FF, NEL, ESC, …) and U+2028/9 are not.
    if text.unicodeScalars.contains(where: { ($0.properties.generalCategory == .control && $0 != "\t") || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
        return "description has a line break or control character: \(text.debugDescription)"
    }
    if text.utf8.count > 400 + extra { return "description is \(text.utf8.count) bytes long" }
    return nil
}

/// Why `dataset` breaks the invariants every loaded data set must keep (nil when it holds them).
/// Only a split's part may be empty (the default policy gives a 2-row file a 1 / 0 / 1 split).
func datasetProblem(_ d: LabeledDataset, allowEmpty: Bool = false) -> String? {
    if d.count < 1, !allowEmpty { return "no rows" }
    if d.features.rows != d.labels.count { return "\(d.features.rows) rows but \(d.labels.count) labels" }
    if d.features.cols < 1 { return "no features" }
    if !d.features.isFinite { return "non-finite features" }
    if d.classCount < 1 || d.originalLabels.count != d.classCount { return "classCount \(d.classCount), originalLabels \(d.originalLabels.count)" }
    if let bad = d.labels.first(where: { $0 < 0 || $0 >= d.classCount }) { return "label \(bad) outside 0..<\(d.classCount)" }
    if zip(d.originalLabels, d.originalLabels.dropFirst()).contains(where: { $0 >= $1 }) { return "original labels not strictly ascending" }
    if let names = d.featureNames, names.count != d.features.cols { return "\(names.count) names for \(d.features.cols) features" }
    return nil
}
