import ArgumentParser
import Components
import Datasets
import Foundation
import SparseNets

/// Where a `--model` network came from, for the record (absent when θ₀ was a random initialisation).
struct ModelProvenance: Codable, Equatable {
    /// The path as given.
    var path: String
    /// SHA-256 of the file's bytes.
    var sha256: String
    /// The layers found, e.g. `mlp 64-32-10`.
    var architecture: String
    /// The tensors read, in layer order.
    var keys: [String]
}

/// A network read from `--model`, checked against the data it will be trained on.
struct LoadedModel {
    var network: MaskedNetwork
    var provenance: ModelProvenance

    /// The line the text report starts with, so the user can check what was read.
    var line: String {
        "model: \(provenance.architecture) from \(provenance.path) (keys \(provenance.keys.joined(separator: ",")))"
    }

    /// The `--net` spec of the network; a CNN pooled otherwise than the workbench's CNNs is bad input for commands that need one.
    func architecture(for command: String) throws -> Architecture {
        guard let a = NetworkFile.architecture(of: network) else {
            throw InputError("\(provenance.path): \(command) needs a network that --net can describe (mlp or cnn pooled after every conv while the side is even, or never); this one is \(provenance.architecture)")
        }
        return a
    }

    /// The `sparse-train --net` spec of the network (a CNN may pool after any conv); bad input when none describes it.
    func spec(for command: String) throws -> NetworkSpec {
        if let a = NetworkFile.architecture(of: network) { return .architecture(a) }
        let convs = network.layers.dropLast().compactMap { $0 as? ConvLayer }
        guard convs.count == network.layers.count - 1 else {
            throw InputError("\(provenance.path): \(command) needs an mlp or convs followed by one Linear layer; this one is \(provenance.architecture)")
        }
        return .pooledCNN(channels: convs.map(\.outChannels), pooled: convs.indices.map { network.pools[$0] != nil })
    }
}

/// `--model`, `--layers`, `--save-masks` and `--save`: a user's network as θ₀ and the trained network back out, shared by prune, lottery and sparse-train.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A network as a safetensors PyTorch state dict (Linear [out, in], Conv2d [out, in, 3, 3]): θ₀ of every seed in place of the random initialisation; its architecture replaces --net.", valueName: "file.safetensors"))
    var model: String?

    @Option(help: ArgumentHelp("With --model: the layers' key prefixes in order, e.g. fc1,fc2,out (default: natural order of the '<name>.weight' keys).", valueName: "name,…"))
    var layers: String?

    @Option(name: .customLong("save-masks"), help: ArgumentHelp("Write the masks as safetensors: one 0/1 F32 tensor <k>.weight per weight, keyed like a PyTorch nn.Sequential (one network only: one method, sparsity and seed).", valueName: "file.safetensors"))
    var saveMasks: String?

    @Option(name: .customLong("save"), help: ArgumentHelp("Write the trained sparse weights and biases as a safetensors PyTorch state dict (F64; Linear [out, in], Conv2d [out, in, 3, 3]; one network only).", valueName: "file.safetensors"))
    var save: String?

    /// Whether a file is to be written (the command must then produce exactly one network).
    var saves: Bool { saveMasks != nil || save != nil }

    func validate() throws {
        if layers != nil && model == nil { throw ValidationError("--layers gives the order of --model's layers: it needs --model") }
        if let l = layers, l.split(separator: ",", omittingEmptySubsequences: false).contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--layers '\(l)' has an empty name")
        }
    }

    /// A `--layers` list, trimmed (nil: the keys' natural order).
    static func order(_ layers: String?) -> [String]? {
        layers.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// Reads `--model` for data of `inputSize` features and `classCount` classes (nil without --model).
    func load(inputSize: Int, classCount: Int) throws -> LoadedModel? {
        guard let path = model else { return nil }
        return try Self.load(path, order: Self.order(layers), inputSize: inputSize, classCount: classCount)
    }

    /// Reads a network file; a file the data cannot feed is bad input naming the file.
    static func load(_ path: String, order: [String]?, inputSize: Int, classCount: Int) throws -> LoadedModel {
        let file = try SafetensorsFile.read(path)
        let net = try NetworkFile.network(file, path: path, order: order, inputSize: inputSize)
        let architecture = NetworkFile.summary(net)
        guard net.inputSize == inputSize else {
            throw InputError("\(path): the network (\(architecture)) takes \(net.inputSize) inputs, but the data have \(inputSize) features")
        }
        guard net.classCount == classCount else {
            throw InputError("\(path): the network (\(architecture)) has \(net.classCount) outputs, but the data have \(classCount) classes")
        }
        let keys = NetworkFile.keyOrder(file, order: order)
        guard let bytes = FileManager.default.contents(atPath: path) else { throw InputError("\(path): cannot be read again to take its SHA-256") }
        return LoadedModel(network: net, provenance: ModelProvenance(path: path, sha256: SHA256.hex([UInt8](bytes)), architecture: architecture, keys: keys))
    }

    /// `parameters` with `net` set to the model's architecture and `model` to its path, so the record's settings are the ones in force.
    static func stamp(_ parameters: ParameterValues, _ loaded: LoadedModel, architecture: Architecture) -> ParameterValues {
        var v = parameters.values
        v["net"] = .text(architecture.description)
        v["model"] = .text(loaded.provenance.path)
        return ParameterValues(v)
    }

    /// Writes --save-masks and --save for one trained network; `extra` adds the run's own facts to the metadata. A diverged network's weights are not written.
    func saveFiles(_ net: MaskedNetwork, seed: UInt64, extra: [String: String], diverged: Bool) throws {
        guard saves else { return }
        var metadata = ["workbench": Workbench.version, "command": (["workbench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                        "seed": String(seed), "module": NetworkFile.pytorchModule(net)]
        metadata.merge(extra) { _, new in new }
        if let path = saveMasks { try NetworkFile.masks(net, metadata: metadata).write(to: path) }
        if let path = save {
            guard !diverged else {
                FileHandle.standardError.write(Data("not writing \(path): training diverged\n".utf8))
                return
            }
            try NetworkFile.weights(net, metadata: metadata).write(to: path)
        }
    }
}
