import Datasets
import Foundation
import Testing

@Suite struct SafetensorsTests {
    /// A raw file: the 8-byte little-endian length of `header`, the header, then `data`.
    private func raw(_ header: String, _ data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
        let h = Array(header.utf8)
        let n = length ?? UInt64(h.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + h + data
    }

    private func f32(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
    }

    @Test(arguments: [SafetensorsDType.f64, .f32])
    func roundTripIsBitIdentical(dtype: SafetensorsDType) throws {
        // Values chosen to exercise signs, subnormals and the extremes each dtype can hold exactly.
        let extreme: [Double] = dtype == .f64
            ? [Double.leastNonzeroMagnitude, -Double.greatestFiniteMagnitude, 0x1.fffffffffffffp-3]
            : [Double(Float.leastNonzeroMagnitude), -Double(Float.greatestFiniteMagnitude), Double(Float(0.1))]
        let original = SafetensorsFile(tensors: [
            SafetensorsTensor(name: "0.weight", dtype: dtype, shape: [2, 3], values: [1, -2.5, 0, -0.0] + extreme.prefix(2)),
            SafetensorsTensor(name: "0.bias", dtype: dtype, shape: [2], values: [extreme[2], 3]),
            SafetensorsTensor(name: "scalar", dtype: dtype, shape: [], values: [7]),
            SafetensorsTensor(name: "empty", dtype: dtype, shape: [0, 4], values: []),
        ], metadata: ["command": "workbench prune --seed 1", "quote\"and\\slash/ü": "ä \n b"])
        let path = try TestFiles.write("rt.safetensors", bytes: [])
        try original.write(to: path)
        let back = try SafetensorsFile.read(path)
        #expect(back.metadata == original.metadata)
        #expect(back.tensors.map(\.name) == original.tensors.map(\.name))
        for t in original.tensors {
            let b = try #require(back[t.name])
            #expect(b.dtype == dtype && b.shape == t.shape)
            #expect(b.values.map(\.bitPattern) == t.values.map(\.bitPattern), "\(t.name)")
        }
        // Writing what was read gives the same bytes.
        #expect(try back.encoded() == original.encoded())
    }

    @Test func halfAndBFloatBitPatterns() throws {
        // F16: 1.0, -2.0, the largest finite (65504), the smallest subnormal (2^-24), 0.333…, -0.
        let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3555, 0x8000]
        let f16Expected: [Double] = [1, -2, 65504, 0x1p-24, 0.333251953125, -0.0]
        // BF16: 1.0, -2.0, 3.140625 (π rounded), 1e-40-ish subnormal 0x0001 = 2^-133.
        let bf16: [UInt16] = [0x3F80, 0xC000, 0x4049, 0x0001]
        let bf16Expected: [Double] = [1, -2, 3.140625, 0x1p-133]
        let le = { (xs: [UInt16]) in xs.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        let header = #"{"h":{"dtype":"F16","shape":[6],"data_offsets":[0,12]},"b":{"dtype":"BF16","shape":[2,2],"data_offsets":[12,20]}}"#
        let file = try SafetensorsFile.decode(raw(header, le(f16) + le(bf16)), file: "half.safetensors")
        #expect(file["h"]?.values.map(\.bitPattern) == f16Expected.map(\.bitPattern))
        #expect(file["b"]?.values == bf16Expected && file["b"]?.shape == [2, 2] && file["b"]?.dtype == .bf16)
        // Writing F16/BF16 is refused rather than silently widened.
        #expect(errorText { _ = try SafetensorsFile(tensors: [file["b"]!]).encoded() }
            == "invalid argument: safetensors tensor 'b': writing BF16 is not supported (F64, F32)")
    }

    /// Every malformed file is one line naming the file (and the tensor when there is one).
    @Test(arguments: [
        ("truncated-length", "truncated: 5 bytes, the header length needs 8"),
        ("huge-header", "header length 18446744073709551615 is larger than the 65 bytes after it"),
        ("bad-json", "header is not valid JSON"),
        ("not-json", "header does not start with '{' (not JSON)"),
        ("truncated-data", "tensor 'w': data_offsets [0, 8] run past the 7 data bytes (truncated file?)"),
        ("overlap", "tensor 'b': data_offsets [4, 8] overlap tensor 'a' (ends at 8)"),
        ("shape-mismatch", "tensor 'w': shape [3] of F32 needs 12 bytes, data_offsets [0, 8] give 8"),
        ("unknown-dtype", "tensor 'w': unknown dtype 'I8' (read: F64, F32, F16, BF16)"),
        ("nan", "tensor 'w': element 1 is nan; weights must be finite"),
        ("inf", "tensor 'w': element 0 is -inf; weights must be finite"),
        ("gap", "tensor 'b': 4 unindexed bytes before its data_offsets [8, 12]"),
        ("trailing", "4 unindexed bytes after the last tensor's data"),
        ("bad-metadata", "__metadata__ 'seed' is not a string"),
        ("negative-offsets", "tensor 'w': data_offsets must be two integers [begin, end] with begin ≤ end"),
        ("absurd-shape", "tensor 'w': shape [4294967296, 4294967296] is absurd"),
    ])
    func malformedFileIsOneLine(name: String, message: String) throws {
        let w8 = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let two = f32([1, 2])
        let bytes: [UInt8] = switch name {
        case "truncated-length": [1, 0, 0, 0, 0]
        case "huge-header": raw(w8, two + [0, 0, 0], length: UInt64.max)
        case "bad-json": raw(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#, two)
        case "not-json": raw("nope", two)
        case "truncated-data": raw(w8, Array(two.dropLast()))
        case "overlap": raw(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, two)
        case "shape-mismatch": raw(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, two)
        case "unknown-dtype": raw(#"{"w":{"dtype":"I8","shape":[8],"data_offsets":[0,8]}}"#, two)
        case "nan": raw(w8, f32([1, .nan]))
        case "inf": raw(w8, f32([-.infinity, 1]))
        case "gap": raw(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, f32([1, 2, 3]))
        case "trailing": raw(w8, f32([1, 2, 3]))
        case "bad-metadata": raw(#"{"__metadata__":{"seed":1},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, two)
        case "negative-offsets": raw(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, two)
        case "absurd-shape": raw(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, two)
        default: []
        }
        let path = try TestFiles.write("\(name).safetensors", bytes: bytes)
        let text = try #require(errorText { _ = try SafetensorsFile.read(path) })
        #expect(text == "\(path): \(message)")
        #expect(!text.contains("\n"))
    }

    @Test func missingFile() {
        #expect(errorText { _ = try SafetensorsFile.read("/nonexistent/m.safetensors") } == "/nonexistent/m.safetensors: no such file")
    }
}

/// Files written by the reference Python package (Tests/Fixtures/safetensors/make_fixtures.py).
@Suite struct SafetensorsFixtureTests {
    static let dir = TestFiles.root.appendingPathComponent("Tests/Fixtures/safetensors")

    /// The script's values: (i + start) / 8 for i = 0…n-1, exact in F32, BF16 and F64.
    private func steps(_ n: Int, _ start: Int) -> [Double] { (0..<n).map { Double($0 + start) / 8 } }

    @Test func torchStyleMLPWithBF16() throws {
        let file = try SafetensorsFile.read(Self.dir.appendingPathComponent("torch_mlp_f32_bf16.safetensors").path)
        #expect(file.metadata == ["format": "pt", "writer": "safetensors 0.8.0"])
        // The reference writer orders buffers by alignment, then name: that is the order read.
        #expect(file.tensors.map(\.name) == ["0.bias", "0.weight", "2.weight", "2.bias"])
        #expect(file["0.weight"] == SafetensorsTensor(name: "0.weight", dtype: .f32, shape: [3, 4], values: steps(12, -6)))
        #expect(file["0.bias"] == SafetensorsTensor(name: "0.bias", dtype: .f32, shape: [3], values: steps(3, 1)))
        #expect(file["2.weight"] == SafetensorsTensor(name: "2.weight", dtype: .f32, shape: [2, 3], values: steps(6, -3)))
        #expect(file["2.bias"] == SafetensorsTensor(name: "2.bias", dtype: .bf16, shape: [2], values: [1, -2]))
        try exportForPython(file, "workbench_mlp_f32.safetensors")
    }

    @Test func convF64() throws {
        let file = try SafetensorsFile.read(Self.dir.appendingPathComponent("conv_f64.safetensors").path)
        #expect(file.metadata.isEmpty)
        #expect(file["0.weight"] == SafetensorsTensor(name: "0.weight", dtype: .f64, shape: [2, 1, 2, 2], values: steps(8, -4)))
        #expect(file["0.bias"] == SafetensorsTensor(name: "0.bias", dtype: .f64, shape: [2], values: [0.25, -0.75]))
        try exportForPython(file, "workbench_conv_f64.safetensors")
    }

    /// Writes the file back with the workbench writer, under $WORKBENCH_SAFETENSORS_EXPORT when set,
    /// so the Python half of the round trip can be checked by hand (no Python runs in the tests).
    private func exportForPython(_ file: SafetensorsFile, _ name: String) throws {
        var copy = file
        for i in copy.tensors.indices where copy.tensors[i].dtype == .bf16 { copy.tensors[i].dtype = .f32 }
        copy.metadata["written-by"] = "workbench"
        let bytes = try copy.encoded()
        #expect(try SafetensorsFile.decode(bytes, file: name).tensors.map(\.values) == file.tensors.map(\.values))
        if let dir = ProcessInfo.processInfo.environment["WORKBENCH_SAFETENSORS_EXPORT"] {
            try copy.write(to: URL(fileURLWithPath: dir).appendingPathComponent(name).path)
        }
    }
}
