import NeuralNetwork

/// `model.json`: the trained network in the explicit model form of SPEC §3.2,
/// so it can be pasted into an experiment's `model`. Non-finite weights (a
/// diverged run) are written as null.
public enum ModelFile {
    public static func text(_ network: Network) -> String {
        let location = SourceLocation(line: 1, column: 1)
        func node(_ value: JSONValue) -> JSONNode { JSONNode(value, at: location) }
        func member(_ key: String, _ value: JSONValue) -> JSONMember {
            JSONMember(key: key, keyLocation: location, value: node(value))
        }
        func numbers(_ values: [Double]) -> JSONValue { .array(values.map { node(JSONWriter.number($0)) }) }
        let layers: [JSONNode] = network.layers.map { layer in
            var members = [member("units", JSONWriter.number(Double(layer.units))),
                           member("activation", .string(layer.activation.rawValue))]
            if layer.biases == nil { members.append(member("bias", .bool(false))) }
            members.append(member("weights", .array(layer.weights.rowArrays.map { node(numbers($0)) })))
            if let biases = layer.biases { members.append(member("biases", numbers(biases))) }
            return node(.object(members))
        }
        return JSONWriter.render(.object([member("inputs", JSONWriter.number(Double(network.inputs))),
                                          member("layers", .array(layers))]))
    }
}

extension ModelFile {
    public static func write(_ network: Network, to run: RunFolder) throws(WriteError) {
        try ResultFiles.write(text(network), to: run.model)
    }

    /// The network in a run's `model.json`, read by the validator of the
    /// explicit model form (one reader for that form, in experiment files and
    /// here); nil when the file is missing or not a valid model (a diverged
    /// run's null weights).
    public static func read(_ run: RunFolder) -> Network? {
        guard let data = ResultFiles.read(run.model), let document = try? JSONReader.parse(data),
              let inputs = document.member("inputs")?.value.intValue,
              let units = document.member("layers")?.value.value.elements?.last?.member("units")?.value.intValue else { return nil }
        let sink = DiagnosticSink(file: run.model)
        let shape = DataShape(features: inputs, samples: 1, targets: .regression(width: units))
        guard let model = readModel(document, shape: shape, loss: nil, sink: sink), sink.items.isEmpty else { return nil }
        return try? Network(inputs: model.inputs, specs: model.layers, seed: 0)
    }
}
