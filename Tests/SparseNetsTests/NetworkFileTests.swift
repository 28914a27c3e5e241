import Datasets
import Foundation
import LinearAlgebra
import Randomness
import SparseNets
import Testing

@Suite struct NetworkFileTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/safetensors")

    /// Saved weights read back as the same layers, pools and parameters (MLP and pooled CNN).
    @Test(arguments: ["mlp:5,4", "cnn:2,3", "cnn:2,3:nopool"])
    func savedNetworkReadsBackIdentically(spec: String) throws {
        let net = try MaskedNetwork(Architecture.parse(spec), inputSize: 64, classCount: 10, stream: RandomStream(seed: 3))
        let bytes = try NetworkFile.weights(net, metadata: [:]).encoded()
        let back = try NetworkFile.network(SafetensorsFile.decode(bytes, file: "w.safetensors"), path: "w.safetensors", inputSize: 64)
        #expect(back.layers.map(\.description) == net.layers.map(\.description))
        #expect(back.pools.map { $0?.outputSize } == net.pools.map { $0?.outputSize })
        #expect(back.parameters == net.parameters)
        #expect(NetworkFile.pytorchModule(back) == NetworkFile.pytorchModule(net))
    }

    /// Pooling is read from the nn.Sequential index gaps: the small CNN pools after convs 2, 3 and 4, not after the first ones.
    @Test func poolingFollowsTheSequentialIndices() throws {
        let net = try NetworkSpec.smallCNN.build(inputSize: 64, classCount: 10, stream: RandomStream(seed: 2))
        let file = NetworkFile.weights(net, metadata: [:])
        #expect(file.tensors.map(\.name).filter { $0.hasSuffix(".weight") } == ["0.weight", "2.weight", "5.weight", "8.weight", "12.weight"])
        let back = try NetworkFile.network(SafetensorsFile.decode(file.encoded(), file: "s.safetensors"), path: "s.safetensors", inputSize: 64)
        #expect(back.pools.map { $0 != nil } == [false, true, true, true])
        #expect(back.layers.map(\.description) == net.layers.map(\.description))
        #expect(back.parameters == net.parameters)
        // Keys that are not indices keep the size-based rule (pool after the first convs).
        var renamed = file
        for k in renamed.tensors.indices { renamed.tensors[k].name = "l" + renamed.tensors[k].name }
        let guessed = try NetworkFile.network(renamed, path: "r.safetensors", inputSize: 64)
        #expect(guessed.pools.map { $0 != nil } == [true, true, true, false])
    }

    @Test func sequentialKeysSkipActivationsPoolingAndFlatten() throws {
        let cnn = try MaskedNetwork(Architecture.parse("cnn:4,8"), inputSize: 64, classCount: 10, stream: RandomStream(seed: 1))
        #expect(NetworkFile.sequentialIndices(cnn) == [0, 3, 7])
        let mlp = try MaskedNetwork(Architecture.parse("mlp:5,4"), inputSize: 4, classCount: 3, stream: RandomStream(seed: 1))
        #expect(NetworkFile.sequentialIndices(mlp) == [0, 2, 4])
    }

    @Test func torchFixtureBuildsItsMLP() throws {
        let path = Self.fixtures.appendingPathComponent("torch_mlp_f32_bf16.safetensors").path
        let net = try NetworkFile.network(SafetensorsFile.read(path), path: path)
        #expect(net.layers.map(\.description) == ["dense 4→3", "dense 3→2"])
        let w01: Double = net.parameters.weights[0][0, 1], w12: Double = net.parameters.weights[1][1, 2]
        #expect(w01 == -0.625)
        #expect(w12 == 0.25)
        let expectedBiases: [[Double]] = [[0.125, 0.25, 0.375], [1, -2]]
        #expect(net.parameters.biases == expectedBiases)
    }

    @Test func unusableFilesAreOneLine() throws {
        let conv = Self.fixtures.appendingPathComponent("conv_f64.safetensors").path
        #expect(throws: SparseNetsError("\(conv): tensor '0.weight': only 3×3 convolutions are supported, got 2×2")) {
            try NetworkFile.network(SafetensorsFile.read(conv), path: conv, inputSize: 4)
        }
        let mlp = Self.fixtures.appendingPathComponent("torch_mlp_f32_bf16.safetensors").path
        #expect(throws: SparseNetsError("\(mlp): --layers names 'fc1', but there is no tensor 'fc1.weight'")) {
            try NetworkFile.network(SafetensorsFile.read(mlp), path: mlp, order: ["fc1"])
        }
        #expect(throws: SparseNetsError("\(mlp): tensor '2.weight' is not a weight or bias of the layers 0")) {
            try NetworkFile.network(SafetensorsFile.read(mlp), path: mlp, order: ["0"])
        }
        #expect(throws: SparseNetsError("\(mlp): layer 2 (dense 3→2) expects 3 inputs, gets 4")) {
            var f = try SafetensorsFile.read(mlp)
            f.tensors.removeAll { $0.name == "0.weight" || $0.name == "0.bias" }
            f.tensors.append(SafetensorsTensor(name: "0.weight", shape: [4, 4], values: Array(repeating: 0, count: 16)))
            return try NetworkFile.network(f, path: mlp)
        }
    }
}
