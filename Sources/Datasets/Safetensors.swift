import Components
import Foundation

/// The element types a safetensors file may hold that the workbench reads; F16 and BF16 are read only.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64: 8
        case .f32: 4
        case .f16, .bf16: 2
        }
    }
}

/// One named tensor: its values in row-major order, widened to Double whatever the stored dtype.
public struct SafetensorsTensor: Equatable, Sendable {
    /// The key in the file, e.g. `0.weight`.
    public var name: String
    /// The dtype stored in (or to be written to) the file.
    public var dtype: SafetensorsDType
    /// The dimensions, outermost first (PyTorch's order); `[]` is a scalar.
    public var shape: [Int]
    /// Row-major values; `values.count` is the product of `shape`.
    public var values: [Double]

    /// A tensor; `values.count` must equal the product of `shape` (checked when written).
    public init(name: String, dtype: SafetensorsDType = .f32, shape: [Int], values: [Double]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.values = values
    }
}

/// A safetensors file: an 8-byte little-endian header length, a JSON header, then raw little-endian buffers.
///
/// Read with no dependency, checking every length and offset against the file before using it,
/// so a corrupt or hostile file is one `DatasetError` line naming the file and the tensor,
/// never a trap or a huge allocation. See https://github.com/huggingface/safetensors for the format.
public struct SafetensorsFile: Equatable, Sendable {
    /// The tensors in the order of their buffers in the file.
    public var tensors: [SafetensorsTensor]
    /// The optional `__metadata__` map (string to string).
    public var metadata: [String: String]

    /// A file with these tensors, written in this order.
    public init(tensors: [SafetensorsTensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor named `name`, or nil.
    public subscript(name: String) -> SafetensorsTensor? { tensors.first { $0.name == name } }

    /// The upstream format refuses headers above 100 MB; so do we, before allocating anything.
    static let maxHeaderBytes = 100_000_000

    /// Reads and checks the file at `path`.
    public static func read(_ path: String) throws(DatasetError) -> SafetensorsFile {
        try decode(try DataFile.bytes(path), file: path)
    }

    /// Parses `bytes` as a safetensors file; `file` names it in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws(DatasetError) -> SafetensorsFile {
        func fail(_ message: String) -> DatasetError { .malformed(file: file, message: message) }
        guard bytes.count >= 8 else { throw fail("truncated: \(bytes.count) bytes, the header length needs 8") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        // Compared as UInt64 so a lying length can neither overflow Int nor drive an allocation.
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail("header length \(headerLength) is larger than the \(bytes.count - 8) bytes after it")
        }
        guard headerLength <= UInt64(maxHeaderBytes) else { throw fail("header length \(headerLength) exceeds the 100 MB limit") }
        let n = Int(headerLength)
        guard n >= 2 else { throw fail("header of \(n) bytes is not a JSON object") }
        let headerBytes = bytes[8..<(8 + n)]
        guard headerBytes.first == UInt8(ascii: "{") else { throw fail("header does not start with '{' (not JSON)") }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerBytes), options: [])
        } catch {
            throw fail("header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw fail("header is not a JSON object") }

        var metadata: [String: String] = [:]
        if let meta = header["__metadata__"] {
            guard let map = meta as? [String: Any] else { throw fail("__metadata__ is not an object of strings") }
            for (k, v) in map {
                guard let s = v as? String else { throw fail("__metadata__ '\(k)' is not a string") }
                metadata[k] = s
            }
        }

        let dataStart = 8 + n
        let dataLength = bytes.count - dataStart
        var entries: [(name: String, dtype: SafetensorsDType, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header where name != "__metadata__" {
            func bad(_ message: String) -> DatasetError { fail("tensor '\(name)': \(message)") }
            guard let info = value as? [String: Any] else { throw bad("entry is not an object") }
            guard let dtypeName = info["dtype"] as? String else { throw bad("missing dtype") }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw bad("unknown dtype '\(dtypeName)' (read: \(SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let shapeAny = info["shape"] as? [Any] else { throw bad("missing shape") }
            var shape: [Int] = []
            var count = 1
            for d in shapeAny {
                guard let dim = integer(d), dim >= 0 else { throw bad("shape \(shapeAny) is not a list of non-negative integers") }
                let (c, overflow) = count.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw bad("shape \(shapeAny) is absurd") }
                shape.append(dim)
                count = c
            }
            guard let offsets = info["data_offsets"] as? [Any], offsets.count == 2,
                  let begin = integer(offsets[0]), let end = integer(offsets[1]), begin >= 0, begin <= end else {
                throw bad("data_offsets must be two integers [begin, end] with begin ≤ end")
            }
            guard end <= dataLength else {
                throw bad("data_offsets [\(begin), \(end)] run past the \(dataLength) data bytes (truncated file?)")
            }
            let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: dtype.size)
            guard !overflow, bytesNeeded == end - begin else {
                throw bad("shape \(shape) of \(dtype.rawValue) needs \(overflow ? "too many" : String(bytesNeeded)) bytes, data_offsets [\(begin), \(end)] give \(end - begin)")
            }
            entries.append((name, dtype, shape, begin, end))
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        // The format requires the buffers to tile the data exactly: no overlap, no hole, nothing after.
        var cursor = 0
        for (i, e) in entries.enumerated() {
            if e.begin < cursor {
                throw fail("tensor '\(e.name)': data_offsets [\(e.begin), \(e.end)] overlap tensor '\(entries[i - 1].name)' (ends at \(cursor))")
            }
            if e.begin > cursor { throw fail("tensor '\(e.name)': \(e.begin - cursor) unindexed bytes before its data_offsets [\(e.begin), \(e.end)]") }
            cursor = e.end
        }
        if cursor != dataLength { throw fail("\(dataLength - cursor) unindexed bytes after the last tensor's data") }

        var tensors: [SafetensorsTensor] = []
        tensors.reserveCapacity(entries.count)
        for e in entries {
            let values = decodeValues(bytes, from: dataStart + e.begin, count: (e.end - e.begin) / e.dtype.size, dtype: e.dtype)
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw fail("tensor '\(e.name)': element \(bad) is \(values[bad]); weights must be finite")
            }
            tensors.append(SafetensorsTensor(name: e.name, dtype: e.dtype, shape: e.shape, values: values))
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    /// JSON numbers arrive as NSNumber; only whole, non-boolean ones are integers.
    private static func integer(_ any: Any) -> Int? {
        // Booleans are NSNumbers too; their Objective-C type code is "c".
        guard let number = any as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        let d = number.doubleValue
        guard d.rounded() == d, abs(d) < 9e15 else { return nil }
        return number.intValue
    }

    private static func decodeValues(_ bytes: [UInt8], from start: Int, count: Int, dtype: SafetensorsDType) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { buf in
            func le(_ at: Int, _ width: Int) -> UInt64 {
                var v: UInt64 = 0
                for k in 0..<width { v |= UInt64(buf[at + k]) << (8 * UInt64(k)) }
                return v
            }
            for i in 0..<count {
                let at = start + i * dtype.size
                switch dtype {
                case .f64: out[i] = Double(bitPattern: le(at, 8))
                case .f32: out[i] = Double(Float(bitPattern: UInt32(le(at, 4))))
                case .f16: out[i] = halfToDouble(UInt16(le(at, 2)))
                case .bf16: out[i] = Double(Float(bitPattern: UInt32(le(at, 2)) << 16))
                }
            }
        }
        return out
    }

    /// IEEE binary16 to Double, by hand: Swift's Float16 is not available on every platform we build on.
    static func halfToDouble(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int(h >> 10 & 0x1F), mantissa = Double(h & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// The file's bytes; only F64 and F32 are written, values must be finite and fit their shapes.
    public func encoded() throws(DatasetError) -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        var seen = Set<String>()
        for t in tensors {
            func bad(_ message: String) -> DatasetError { .invalidArgument("safetensors tensor '\(t.name)': \(message)") }
            guard t.name != "__metadata__", seen.insert(t.name).inserted else { throw bad("duplicate or reserved name") }
            guard t.dtype == .f64 || t.dtype == .f32 else { throw bad("writing \(t.dtype.rawValue) is not supported (F64, F32)") }
            guard t.shape.allSatisfy({ $0 >= 0 }), t.shape.reduce(1, *) == t.values.count else {
                throw bad("shape \(t.shape) does not hold \(t.values.count) values")
            }
            if let i = t.values.firstIndex(where: { !$0.isFinite }) { throw bad("element \(i) is \(t.values[i]); weights must be finite") }
            let size = t.values.count * t.dtype.size
            header[t.name] = ["dtype": t.dtype.rawValue, "shape": t.shape, "data_offsets": [offset, offset + size]] as [String: Any]
            offset += size
        }
        var json: [UInt8]
        do {
            json = [UInt8](try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes]))
        } catch {
            throw .invalidArgument("safetensors header cannot be encoded: \(error.localizedDescription)")
        }
        // Padding with spaces to a multiple of 8 keeps every buffer aligned, as the reference writer does.
        while (json.count % 8) != 0 { json.append(UInt8(ascii: " ")) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + json.count + offset)
        let n = UInt64(json.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        out += json
        for t in tensors {
            for v in t.values {
                let bits: UInt64 = t.dtype == .f64 ? v.bitPattern : UInt64(Float(v).bitPattern)
                for k in 0..<t.dtype.size { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(k)))) }
            }
        }
        return out
    }

    /// Writes the file atomically (temporary file, then rename), like every workbench output.
    public func write(to path: String) throws(DatasetError) {
        let bytes = try encoded()
        do {
            try AtomicFile.write(Data(bytes), to: URL(fileURLWithPath: path))
        } catch {
            throw .invalidArgument("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
