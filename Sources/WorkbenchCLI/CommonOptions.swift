import ArgumentParser
import ClaimKit
import Components
import Foundation
import GSLSupport
import LinearAlgebra
import TextPlot

/// Options every experiment command shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "Master seed; the same seed prints the same numbers.")
    var seed: UInt64 = 1

    @Flag(help: "Print the JSON record(s) on stdout instead of the text report.")
    var json = false

    @Flag(help: "Print the curves behind the plots as CSV on stdout instead of the text report.")
    var csv = false

    @Flag(help: "Plain ASCII plots instead of braille (for logs and fonts without braille).")
    var ascii = false

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    @Option(help: "Directory the JSON record of the run is written to (atomically).")
    var out: String = "results"

    @Option(help: "Plot width in columns.")
    var width: Int = 60

    @Option(help: "Plot height in rows.")
    var height: Int = 15

    @Option(name: .customLong("blas-threads"), help: "OpenBLAS threads (default 1: the problems are small, and one thread keeps results bit-identical across machines).")
    var blasThreads: Int = 1

    func validate() throws {
        guard !(json && csv) else { throw ValidationError("--json and --csv are exclusive") }
        guard (20...300).contains(width) else { throw ValidationError("--width must be in 20...300, got \(width)") }
        guard (5...100).contains(height) else { throw ValidationError("--height must be in 5...100, got \(height)") }
        guard (1...256).contains(blasThreads) else { throw ValidationError("--blas-threads must be in 1...256, got \(blasThreads)") }
        BLASThreads.set(blasThreads)
    }

    var plotStyle: PlotStyle { PlotStyle.forTerminal(ascii: ascii, width: width, height: height) }

    var progress: ProgressReporter { .terminal(quiet: quiet) }

    /// Versions of everything that produced a number, for result records.
    static var versions: [String: String] {
        var v = [
            "workbench": Workbench.version,
            "gsl": GSL.version,
            "lapack": LinearAlgebraLibraries.lapack,
            "blas": LinearAlgebraLibraries.blas,
        ]
        #if swift(>=6.3)
        v["swift"] = ">=6.3"
        #elseif swift(>=6.0)
        v["swift"] = "6.x"
        #endif
        return v
    }
}

/// Prints to stdout.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
