import ArgumentParser
import Components
import Datasets
import Foundation
import TextPlot

/// `workbench data`: the shipped data sets, listed with their provenance, or one part exported as CSV.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "The shipped data sets (\(BuiltinDatasets.names.joined(separator: ", "))): list them, or export one part as CSV.",
        subcommands: [DataListCommand.self, DataExportCommand.self])
}

extension DataPart: ExpressibleByArgument {}

/// `workbench data list`: every shipped data set with source, citation, licence, size, sha256 and split policy.
struct DataListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Every shipped data set: size, split, licence, source, citation and the sha256 of its files.")

    @Flag(help: "Print the catalogue as JSON instead of the table.")
    var json = false

    func run() throws {
        let catalog = BuiltinDatasets.catalog
        if json { return emit(String(decoding: try JSONOutput.encode(catalog), as: UTF8.self)) }
        let rows = catalog.map { d in
            [d.name, String(d.count), String(d.dimension), String(d.classCount), d.splitSizes.map(String.init).joined(separator: "/"), d.licence]
        }
        var text = Table(headers: ["name", "rows", "features", "classes", "train/validation/test", "licence"], rows: rows,
                         alignments: [.left, .right, .right, .right, .right, .left]).render() + "\n"
        for d in catalog {
            text += "\n\(d.name): \(d.title)\n  source:   \(d.source)\n  citation: \(d.citation)\n  split:    \(d.splitPolicy)\n"
            text += d.files.map { "  sha256:   \($0.sha256)  \($0.name)\n" }.joined()
        }
        emit(text)
    }
}

/// `workbench data export`: one part of a shipped data set as the policy splits it, as CSV.
struct DataExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write one part of a shipped data set, as the data policy splits it, to a CSV file.",
        discussion: """
        The rows are the ones `--data NAME` trains, validates or tests on, before standardising: a header, then \
        the features (shortest decimals that read back to the same doubles) and the label. The three parts, \
        given back as --train/--validation/--test, are standardised on the training file just as --data \
        standardises on the training part, so they reproduce --data NAME.

        Examples:
          workbench data export mnist1d --split test --out mnist1d-test.csv
          workbench data export digits --split train --out train.csv
        """)

    @Argument(help: ArgumentHelp("A shipped data set: \(BuiltinDatasets.names.joined(separator: ", ")).", valueName: "name"))
    var name: String

    @Option(help: "The part to write: \(DataPart.allCases.map(\.rawValue).joined(separator: ", ")).")
    var split: DataPart

    @Option(help: ArgumentHelp("The CSV file to write (atomically).", valueName: "file.csv"))
    var out: String

    func run() throws {
        let part = try DataPolicy.part(name, split)
        try AtomicFile.write(Data(CSVWriter.text(part).utf8), to: URL(fileURLWithPath: out))
        FileHandle.standardError.write(Data("wrote \(out): \(part.count) rows, \(part.dimension) features and a label (\(part.name))\n".utf8))
    }
}
