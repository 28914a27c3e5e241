import Components
import Foundation
import Testing

@Suite struct ParameterTests {
    static let declared: [Parameter] = [
        .int("seeds", quick: 3, standard: 5, full: 10, 2...100, "seeds"),
        .real("gamma", 0.5, .positive, "step"),
        .derived("eta", .positive, "0.8/L", "Neumann step"),
        .choice("activation", "tanh", ["tanh", "relu"], "activation"),
        .flag("vrbo", true, "run VRBO"),
    ]

    @Test func defaultsFollowTheModeAndDerivedValuesComeFromTheComponent() throws {
        for (mode, seeds) in [(RunMode.quick, 3), (.standard, 5), (.full, 10)] {
            let v = try ParameterValues(resolving: Self.declared, mode: mode, derived: ["eta": .real(0.4)], owner: "test")
            #expect(v.int("seeds") == seeds)
            #expect(v.real("gamma") == 0.5)
            #expect(v.real("eta") == 0.4)
            #expect(v.string("activation") == "tanh")
            #expect(v.flag("vrbo"))
        }
    }

    @Test func overridesAreParsedAndCheckedAgainstTheirDomain() throws {
        let v = try ParameterValues(resolving: Self.declared, overrides: ["seeds": "1e1", "gamma": "2", "vrbo": "off", "eta": "0.1"],
                                    owner: "test")
        #expect(v.int("seeds") == 10)
        #expect(v.real("gamma") == 2)
        #expect(!v.flag("vrbo"))
        #expect(v.real("eta") == 0.1) // an override wins over a derived default, which is then not needed
        let bad: [[String: String]] = [["seeds": "1"], ["seeds": "2.5"], ["gamma": "0"], ["gamma": "nan"], ["gamma": "inf"],
                                       ["activation": "gelu"], ["vrbo": "maybe"], ["bogus": "1"]]
        for o in bad {
            #expect(throws: InputError.self) { _ = try ParameterValues(resolving: Self.declared, overrides: o, derived: ["eta": .real(1)], owner: "test") }
        }
    }

    @Test func errorsNameTheParameterAndTheKnownOnes() {
        do {
            _ = try ParameterValues(resolving: Self.declared, overrides: ["bogus": "1"], owner: "solver 'mrbo'")
            Issue.record("no error")
        } catch {
            #expect(error.description == "solver 'mrbo' has no parameter 'bogus' (known: seeds, gamma, eta, activation, vrbo)")
        }
        do {
            _ = try ParameterValues(resolving: Self.declared, overrides: ["gamma": "-1"], derived: ["eta": .real(1)], owner: "x")
            Issue.record("no error")
        } catch {
            #expect(error.description == "gamma=-1 is outside its domain (real > 0)")
        }
    }

    @Test func aDerivedValueOutsideTheDomainIsRejected() {
        #expect(throws: InputError.self) { _ = try ParameterValues(resolving: Self.declared, derived: ["eta": .real(-1)], owner: "t") }
        #expect(throws: InputError.self) { _ = try ParameterValues(resolving: Self.declared, owner: "t") }
    }

    @Test func recordEncodesTypedValuesAndReadsBack() throws {
        let v = try ParameterValues(resolving: Self.declared, derived: ["eta": .real(0.25)], owner: "t")
        let data = try JSONOutput.encode(v)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"seeds\" : 5"))
        #expect(text.contains("\"vrbo\" : true"))
        #expect(text.contains("\"activation\" : \"tanh\""))
        #expect(try JSONDecoder().decode(ParameterValues.self, from: data) == v)
    }

    @Test func settingsParseKeyValuePairs() throws {
        #expect(try Settings.parse(["a=1", "b=x=y"], flag: "--set") == ["a": "1", "b": "x=y"])
        for bad in [["a"], ["=1"], ["a="], ["a=1", "a=2"]] {
            #expect(throws: InputError.self) { _ = try Settings.parse(bad, flag: "--set") }
        }
    }
}

@Suite struct CatalogueTests {
    static let catalogue = Catalogue<String>(kind: "fruit", ["apple", "pear", "plum"]) { $0 }

    @Test func namesListsAndUnknownNames() throws {
        #expect(Self.catalogue.names == ["apple", "pear", "plum"])
        #expect(try Self.catalogue.list("plum, apple") == ["plum", "apple"])
        #expect(try Self.catalogue.list("all") == ["apple", "pear", "plum"])
        do {
            _ = try Self.catalogue.named("kiwi")
            Issue.record("no error")
        } catch {
            #expect(error.description == "unknown fruit 'kiwi' (known: apple, pear, plum)")
        }
        // Only a whole name resolves: a prefix, a longer name or another case is unknown, never a guess.
        for partial in ["p", "pea", "apples", "Apple", " pear"] {
            #expect(throws: InputError.self, "'\(partial)'") { _ = try Self.catalogue.named(partial) }
        }
        for bad in ["", "apple,,pear", "apple,apple", "kiwi", "pl"] {
            #expect(throws: InputError.self) { _ = try Self.catalogue.list(bad) }
        }
    }
}

@Suite struct AtomicFileTests {
    @Test func aRewriteReplacesTheFileAndLeavesNoTemporary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("r.json")
        try AtomicFile.write(Data("old".utf8), to: url)
        let link = dir.appendingPathComponent("link")
        try FileManager.default.linkItem(at: url, to: link)
        try AtomicFile.write(Data("new".utf8), to: url)
        // A hard link taken before the rewrite still sees the old bytes: the file was replaced, not overwritten.
        #expect(try String(contentsOf: link, encoding: .utf8) == "old")
        #expect(try String(contentsOf: url, encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["link", "r.json"])
    }
}
