import ArgumentParser
import Components
import Foundation

/// A command's result: its JSON record (what `--json` prints and `--out` keeps) and its curves as CSV.
protocol CommandRecord: Encodable {
    /// The curves behind the plots, as CSV with a header line (`--csv`).
    var csv: String { get }
}

/// The arguments the process was started with, after the command name (set once by `Workbench.main`).
enum Invocation {
    nonisolated(unsafe) static var arguments: [String] = []

    /// Flags that change only how a result is shown or where it goes, never the result itself.
    static let presentationFlags: Set<String> = ["--json", "--csv", "--quiet", "--ascii"]
    static let presentationOptions: Set<String> = ["--out", "--width", "--height"]

    /// A stable id of the run: FNV-1a of the arguments that decide the result, as 8 hex digits.
    ///
    /// Presentation flags are left out, so `--json` and the text report of one run share a record file.
    static func runID(_ arguments: [String] = arguments) -> String {
        var kept = [String](), skipNext = false
        for a in arguments {
            if skipNext { skipNext = false; continue }
            if presentationFlags.contains(a) { continue }
            if presentationOptions.contains(a) { skipNext = true; continue }
            if let eq = a.firstIndex(of: "="), presentationOptions.contains(String(a[..<eq])) { continue }
            kept.append(a)
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in kept.joined(separator: "\u{0}").utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(String(h, radix: 16).suffix(8)).leftPadded(to: 8)
    }
}

extension String {
    fileprivate func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

extension CommonOptions {
    /// The one output path of every command: writes `record` atomically to `<out>/<name>.json`,
    /// then prints the text report, the JSON record or its CSV on stdout.
    ///
    /// A run in which a component diverged still prints and records everything, then names each
    /// divergence on stderr and leaves with exit status 1, so a script can tell.
    /// - Parameters:
    ///   - name: the file stem; by default the command and the run id (`bilevel-1a2b3c4d`).
    ///   - text: the report, rendered only when neither `--json` nor `--csv` was asked for.
    @discardableResult
    func emit<R: CommandRecord>(_ record: R, command: String, name: String? = nil, divergences: [Divergence] = [],
                                text: () throws -> String) throws -> URL {
        let data = try JSONOutput.encode(record)
        let url = URL(fileURLWithPath: out).appendingPathComponent((name ?? "\(command)-\(Invocation.runID())") + ".json")
        try AtomicFile.write(data, to: url)
        if json {
            FileHandle.standardOutput.write(data)
        } else if csv {
            WorkbenchCLI.emit(record.csv)
        } else {
            WorkbenchCLI.emit(try text())
        }
        if !quiet { FileHandle.standardError.write(Data("\(command): record written to \(url.path)\n".utf8)) }
        if !divergences.isEmpty {
            for d in divergences { FileHandle.standardError.write(Data("workbench: \(d)\n".utf8)) }
            throw VerdictExit(1)
        }
        return url
    }
}
