import NeuralNetwork

/// `model.json`: the trained network in the explicit model form of SPEC §3.2,
/// so it can be pasted into an experiment's `model`. Non-finite weights (a
/// diverged run) are written as null.
///
/// A run of 2-D classification data also has `"snapshots"` after `"layers"`:
/// `[{"epoch": e, "layers": [...]}, ...]`, the network at each frame epoch
/// (`FrameEpochs`), its layers in the same form; the report's frames of
/// training are drawn from them. Leave the key out when pasting the model into
/// an experiment. A model.json without it (a run trained before snapshots were
/// recorded) is read as having none.
public enum ModelFile {
    public static func text(_ network: Network, snapshots: [NetworkSnapshot] = []) -> String {
        var members = [member("inputs", JSONWriter.number(Double(network.inputs))), member("layers", layers(network))]
        if !snapshots.isEmpty {
            members.append(member("snapshots", .array(snapshots.map { snapshot in
                node(.object([member("epoch", JSONWriter.number(Double(snapshot.epoch))), member("layers", layers(snapshot.network))]))
            })))
        }
        return JSONWriter.render(.object(members))
    }

    private static let location = SourceLocation(line: 1, column: 1)
    private static func node(_ value: JSONValue) -> JSONNode { JSONNode(value, at: location) }
    private static func member(_ key: String, _ value: JSONValue) -> JSONMember {
        JSONMember(key: key, keyLocation: location, value: node(value))
    }

    /// The `layers` list of the explicit model form.
    private static func layers(_ network: Network) -> JSONValue {
        func numbers(_ values: [Double]) -> JSONValue { .array(values.map { node(JSONWriter.number($0)) }) }
        return .array(network.layers.map { layer in
            var members = [member("units", JSONWriter.number(Double(layer.units))),
                           member("activation", .string(layer.activation.rawValue))]
            if layer.biases == nil { members.append(member("bias", .bool(false))) }
            members.append(member("weights", .array(layer.weights.rowArrays.map { node(numbers($0)) })))
            if let biases = layer.biases { members.append(member("biases", numbers(biases))) }
            return node(.object(members))
        })
    }
}

extension ModelFile {
    public static func write(_ network: Network, snapshots: [NetworkSnapshot] = [], to run: RunFolder) throws(WriteError) {
        try ResultFiles.write(text(network, snapshots: snapshots), to: run.model)
    }

    /// The network in a run's `model.json`, read by the validator of the
    /// explicit model form (one reader for that form, in experiment files and
    /// here); nil when the file is missing or not a valid model (a diverged
    /// run's null weights).
    public static func read(_ run: RunFolder) -> Network? {
        guard let document = document(run), let inputs = document.member("inputs")?.value.intValue,
              let layers = document.member("layers")?.value else { return nil }
        return network(inputs: inputs, layers: layers, file: run.model)
    }

    /// The snapshots in a run's `model.json`, by epoch as written; nil when the
    /// file has none (not 2-D classification, or trained before they were
    /// recorded) or one of them is not a valid network.
    public static func readSnapshots(_ run: RunFolder) -> [NetworkSnapshot]? {
        guard let document = document(run), let inputs = document.member("inputs")?.value.intValue,
              let list = document.member("snapshots")?.value.value.elements else { return nil }
        var snapshots: [NetworkSnapshot] = []
        for item in list {
            guard let epoch = item.member("epoch")?.value.intValue, let layers = item.member("layers")?.value,
                  let network = network(inputs: inputs, layers: layers, file: run.model) else { return nil }
            snapshots.append(NetworkSnapshot(epoch: epoch, network: network))
        }
        return snapshots
    }

    private static func document(_ run: RunFolder) -> JSONNode? {
        guard let data = ResultFiles.read(run.model) else { return nil }
        return try? JSONReader.parse(data)
    }

    /// The network of `{"inputs": inputs, "layers": layers}`, checked by `readModel`.
    private static func network(inputs: Int, layers: JSONNode, file: String) -> Network? {
        guard let units = layers.value.elements?.last?.member("units")?.value.intValue else { return nil }
        let model = node(.object([member("inputs", JSONWriter.number(Double(inputs))),
                                  JSONMember(key: "layers", keyLocation: layers.location, value: layers)]))
        let sink = DiagnosticSink(file: file)
        let shape = DataShape(features: inputs, samples: 1, targets: .regression(width: units))
        guard let config = readModel(model, shape: shape, loss: nil, sink: sink), sink.items.isEmpty else { return nil }
        return try? Network(inputs: config.inputs, specs: config.layers, seed: 0)
    }
}
