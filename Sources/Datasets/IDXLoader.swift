import Foundation
import LinearAlgebra

/// Loads MNIST-style IDX files: unsigned-byte images (magic 0x00000803) and labels (magic 0x00000801).
///
/// Only uncompressed files are read; MNIST is distributed gzipped, so run `gunzip` first (a gzip
/// file is recognised and reported as such). Pixels are scaled from 0…255 to [0, 1]; each image
/// becomes one row, its pixels in row-major order. Binary files have no lines, so errors name the
/// file and the byte offset: `train-images-idx3-ubyte: byte 16: truncated: …`.
public enum IDXLoader {
    /// The images in `images` with the labels in `labels` (remapped to 0..<k in sorted order).
    public static func load(images: String, labels: String) throws(DatasetError) -> LabeledDataset {
        let (count, height, width, pixels) = try readImages(images)
        let rawLabels = try readLabels(labels)
        guard rawLabels.count == count else {
            throw malformed(labels, at: 4, "has \(rawLabels.count) labels but \(images) has \(count) images")
        }
        guard count > 0 else { throw malformed(images, at: 4, "contains no images") }
        let d = height * width
        var features = Matrix(rows: count, cols: d)
        for i in 0..<count {
            for j in 0..<d { features.storage[i + j * count] = Double(pixels[16 + i * d + j]) / 255 }
        }
        let (mapped, original) = LabelRemapping.remap(rawLabels.map(Int.init))
        return try LabeledDataset(name: URL(fileURLWithPath: images).lastPathComponent, features: features,
                                  labels: mapped, classCount: original.count, originalLabels: original)
    }

    /// Image count, height, width and the whole file (pixels start at byte 16).
    static func readImages(_ path: String) throws(DatasetError) -> (Int, Int, Int, [UInt8]) {
        let bytes = try DataFile.bytes(path)
        try checkMagic(bytes, 0x0000_0803, "unsigned-byte 3-d images", path)
        guard bytes.count >= 16 else {
            throw malformed(path, at: bytes.count, "truncated: \(bytes.count) bytes, the image header needs 16")
        }
        let count = Int(bigEndian32(bytes, 4)), height = Int(bigEndian32(bytes, 8)), width = Int(bigEndian32(bytes, 12))
        // Images without pixels would give a data set without features.
        guard height > 0, width > 0 else {
            throw malformed(path, at: height == 0 ? 8 : 12, "images of \(height)×\(width) pixels are empty")
        }
        // A corrupt header can promise more than Int holds; that is an error, not a trap.
        let (area, overflow1) = height.multipliedReportingOverflow(by: width)
        let (total, overflow2) = count.multipliedReportingOverflow(by: area)
        guard !overflow1, !overflow2 else { throw malformed(path, at: 4, "header dimensions \(count)×\(height)×\(width) are absurd") }
        try checkLength(bytes, header: 16, payload: total, shape: "\(count)×\(height)×\(width)", path)
        return (count, height, width, bytes)
    }

    /// The label bytes.
    static func readLabels(_ path: String) throws(DatasetError) -> [UInt8] {
        let bytes = try DataFile.bytes(path)
        try checkMagic(bytes, 0x0000_0801, "unsigned-byte 1-d labels", path)
        guard bytes.count >= 8 else {
            throw malformed(path, at: bytes.count, "truncated: \(bytes.count) bytes, the label header needs 8")
        }
        let count = Int(bigEndian32(bytes, 4))
        try checkLength(bytes, header: 8, payload: count, shape: "\(count)", path)
        return Array(bytes[8...])
    }

    private static func checkMagic(_ bytes: [UInt8], _ expected: UInt32, _ what: String, _ path: String) throws(DatasetError) {
        if bytes.starts(with: [0x1F, 0x8B]) {
            throw malformed(path, at: 0, "gzip-compressed; only uncompressed IDX files are read (gunzip it first)")
        }
        guard bytes.count >= 4 else {
            throw malformed(path, at: bytes.count, "truncated: \(bytes.count) bytes, too short for an IDX magic number")
        }
        let magic = bigEndian32(bytes, 0)
        guard magic == expected else {
            throw malformed(path, at: 0, "magic number \(hex(magic)) is not \(hex(expected)) (\(what))")
        }
    }

    private static func checkLength(_ bytes: [UInt8], header: Int, payload: Int, shape: String, _ path: String) throws(DatasetError) {
        let have = bytes.count - header
        if have < payload {
            throw malformed(path, at: bytes.count, "truncated: the header promises \(shape) = \(payload) bytes after byte \(header), the file has \(have)")
        }
        if have > payload {
            throw malformed(path, at: header + payload, "\(have - payload) unexpected bytes after the \(shape) = \(payload) promised by the header")
        }
    }

    /// An error at byte `offset` of the file at `path`.
    private static func malformed(_ path: String, at offset: Int, _ message: String) -> DatasetError {
        .malformed(file: path, message: "byte \(offset): \(message)")
    }

    private static func bigEndian32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    private static func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
