import ArgumentParser
import Foundation
import GSLSupport
import GreedySelection
import LinearAlgebra

/// The `workbench` command: checks pruning and bilevel-optimisation theory by experiment.
public struct Workbench: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "Check the theory of neural-network pruning and bilevel optimisation by experiment.",
        discussion: """
        Exit status: 0 the claim holds (or the command succeeded), 1 a claim is violated or \
        its negative control passed, 2 bad input (the error is one line on stderr), 3 a claim's \
        verdict is inconclusive (an interval straddles its line).

        Examples:
          workbench verify --list
          workbench verify lapack-sanity
          workbench verify all --quick --out results
        """,
        version: version,
        subcommands: WorkbenchCommands.all
    )

    public init() {}

    /// Parses, runs, and maps every failure to one stderr line and exit status 2.
    public static func main(_ arguments: [String]? = nil) -> Never {
        _ = GSL.ready
        // One BLAS thread unless a command's --blas-threads says otherwise (set during validation).
        BLASThreads.set(1)
        let args = arguments ?? Array(CommandLine.arguments.dropFirst())
        Invocation.arguments = args
        do {
            var command = try parseAsRoot(args)
            try command.run()
            Foundation.exit(0)
        } catch let exit as VerdictExit {
            Foundation.exit(exit.code)
        } catch let error as GreedyError where error.divergence != nil {
            // A selector whose loss stopped being finite on valid input diverged: exit 1 like any divergence, not 2.
            FileHandle.standardError.write(Data("workbench: \(error)\n".utf8))
            Foundation.exit(1)
        } catch {
            // Help and --version are "errors" with a success code in ArgumentParser.
            if exitCode(for: error) == .success { Self.exit(withError: error) }
            FileHandle.standardError.write(Data("workbench: \(oneLine(error))\n".utf8))
            Foundation.exit(2)
        }
    }

    /// The first line of an error's message, without ArgumentParser's usage block.
    static func oneLine(_ error: Error) -> String {
        // For our own errors message(for:) is their description; for parser errors it omits the usage.
        let text = message(for: error)
        let first = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "unknown error"
        return first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
    }
}

/// Thrown after a command has printed its result, to leave with the verdict's exit status.
public struct VerdictExit: Error {
    public let code: Int32
    public init(_ code: Int32) { self.code = code }
}
