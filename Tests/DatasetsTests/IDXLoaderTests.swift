import Datasets
import Testing

@Suite struct IDXLoaderTests {
    private func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }

    /// Three 2×2 images and their labels, written the way MNIST's files are laid out.
    private func tinyFiles(labels: [UInt8] = [7, 2, 7]) throws -> (images: String, labels: String, pixels: [UInt8]) {
        let pixels: [UInt8] = [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]
        let images = try TestFiles.write("imgs-idx3-ubyte", bytes: be32(0x803) + be32(3) + be32(2) + be32(2) + pixels)
        let labelPath = try TestFiles.write("labels-idx1-ubyte", bytes: be32(0x801) + be32(UInt32(labels.count)) + labels)
        return (images, labelPath, pixels)
    }

    @Test func roundTrip() throws {
        let (images, labels, pixels) = try tinyFiles()
        let ds = try IDXLoader.load(images: images, labels: labels)
        #expect(ds.count == 3 && ds.dimension == 4)
        for i in 0..<3 { #expect(ds.features.row(i) == pixels[(4 * i)..<(4 * i + 4)].map { Double($0) / 255 }) }
        #expect(ds.labels == [1, 0, 1] && ds.originalLabels == [2, 7])
    }

    @Test func wrongMagic() throws {
        let (images, labels, _) = try tinyFiles()
        // Passing the label file as images: its magic is 0x801.
        #expect(errorText { _ = try IDXLoader.load(images: labels, labels: images) }
            == "\(labels): byte 0: magic number 0x00000801 is not 0x00000803 (unsigned-byte 3-d images)")
        let gz = try TestFiles.write("x.gz", bytes: [0x1F, 0x8B, 8, 0, 0, 0])
        #expect(errorText { _ = try IDXLoader.load(images: gz, labels: labels) }?.contains("gzip") == true)
    }

    @Test func truncatedAndOversized() throws {
        let (images, labels, pixels) = try tinyFiles()
        let cut = try TestFiles.write("cut-idx3-ubyte", bytes: be32(0x803) + be32(3) + be32(2) + be32(2) + pixels.dropLast())
        #expect(errorText { _ = try IDXLoader.load(images: cut, labels: labels) }?.hasPrefix("\(cut): byte 27: truncated") == true)
        let header = try TestFiles.write("hdr-idx3-ubyte", bytes: be32(0x803) + be32(3))
        #expect(errorText { _ = try IDXLoader.load(images: header, labels: labels) }?.hasPrefix("\(header): byte 8: truncated") == true)
        let extra = try TestFiles.write("extra-idx1-ubyte", bytes: be32(0x801) + be32(3) + [1, 2, 3, 4])
        #expect(errorText { _ = try IDXLoader.load(images: images, labels: extra) } == "\(extra): byte 11: 1 unexpected bytes after the 3 = 3 promised by the header")
    }

    @Test func countMismatch() throws {
        let (images, labels, _) = try tinyFiles(labels: [1, 2])
        #expect(errorText { _ = try IDXLoader.load(images: images, labels: labels) }
            == "\(labels): byte 4: has 2 labels but \(images) has 3 images")
    }

    @Test func missingFile() throws {
        let (_, labels, _) = try tinyFiles()
        #expect(errorText { _ = try IDXLoader.load(images: "/nonexistent/train-images", labels: labels) }
            == "/nonexistent/train-images: no such file")
    }
}
