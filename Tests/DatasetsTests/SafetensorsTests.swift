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
