import ClaimKit
import Claims
import Foundation
import Testing

/// Every registered claim is documented where a reader looks for it: its proofs/ document (ending in
/// an "Empirical check" section), its row in the proofs/README.md index, its source paper and a
/// notebook section. A notebook section means: the claim id, in backticks, in a markdown cell of
/// some notebooks/*.ipynb. A new claim fails here until all four exist.
@Suite struct ClaimDocumentationTests {
    static let ids = ClaimRegistry.all.names

    /// The repository root: this file is Tests/ClaimsTests/<name>.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// The markdown cells of every notebook, one string per notebook.
    static func notebookMarkdown() throws -> [String: String] {
        let dir = root.appendingPathComponent("notebooks")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".ipynb") }
        var out = [String: String]()
        for f in files {
            let data = try Data(contentsOf: dir.appendingPathComponent(f))
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(f) is not a notebook")
            let cells = try #require(json["cells"] as? [[String: Any]], "\(f) has no cells")
            out[f] = cells.filter { $0["cell_type"] as? String == "markdown" }.map { cell -> String in
                if let lines = cell["source"] as? [String] { return lines.joined() }
                return cell["source"] as? String ?? ""
            }.joined(separator: "\n")
        }
        return out
    }

    @Test(arguments: ids) func hasAProofDocumentEndingInAnEmpiricalCheck(id: String) throws {
        let claim = try ClaimRegistry.all.named(id)
        #expect(claim.proofPath.hasPrefix("proofs/"), "\(id): proof document \(claim.proofPath) is not under proofs/")
        let doc = try Self.text(claim.proofPath)
        let sections = doc.components(separatedBy: "\n## ").dropFirst().map { $0.prefix { $0 != "\n" } }
        #expect(sections.last.map(String.init) == "Empirical check",
                "\(claim.proofPath) must end with a '## Empirical check' section (its last section is '\(sections.last ?? "none")')")
        let check = doc.components(separatedBy: "\n## Empirical check").last ?? ""
        #expect(check.contains("workbench verify \(id)") && check.contains("--seed"),
                "\(claim.proofPath): the empirical check must name the command (`workbench verify \(id) … --seed N`) its figures come from")
    }

    @Test(arguments: ids) func hasARowInTheProofsIndex(id: String) throws {
        let claim = try ClaimRegistry.all.named(id)
        let rows = try Self.text("proofs/README.md").split(separator: "\n").filter { $0.hasPrefix("| `\(id)` |") }
        #expect(rows.count == 1, "proofs/README.md needs exactly one row starting with | `\(id)` |")
        if let row = rows.first {
            #expect(row.contains("(\(claim.proofPath.dropFirst("proofs/".count)))"), "\(id): the index row must link \(claim.proofPath)")
            #expect(row.contains("`workbench verify \(id)"), "\(id): the index row must give the verify command")
        }
    }

    @Test(arguments: ids) func namesItsSourcePaper(id: String) throws {
        let claim = try ClaimRegistry.all.named(id)
        #expect(claim.source != "no source given" && claim.source.count > 10, "\(id) names no source paper")
    }

    @Test(arguments: ids) func hasANotebookSection(id: String) throws {
        let hits = try Self.notebookMarkdown().filter { $0.value.contains("`\(id)`") }.map(\.key)
        #expect(!hits.isEmpty, "no markdown cell of notebooks/*.ipynb names `\(id)`: add the claim's section (figures from its record, and what would count as it failing)")
    }
}
