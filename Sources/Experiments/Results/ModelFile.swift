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
    /// The text of model.json, laid out as `JSONWriter` lays it out (two
    /// spaces of indent, a weight row per line, a final newline), written
    /// straight to bytes: a sweep writes one per run.
    public static func text(_ network: Network, snapshots: [NetworkSnapshot] = []) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32 * (1 + snapshots.count) * network.layers.reduce(16) { $0 + $1.weights.elements.count + $1.units })
        append("{\n  \"inputs\": ", to: &out)
        appendNumber(Double(network.inputs), to: &out)
        append(",\n  \"layers\": ", to: &out)
        appendLayers(network, indent: 1, to: &out)
        if !snapshots.isEmpty {
            append(",\n  \"snapshots\": [\n", to: &out)
            for (i, snapshot) in snapshots.enumerated() {
                append("    {\n      \"epoch\": ", to: &out)
                appendNumber(Double(snapshot.epoch), to: &out)
                append(",\n      \"layers\": ", to: &out)
                appendLayers(snapshot.network, indent: 3, to: &out)
                append(i == snapshots.count - 1 ? "\n    }\n" : "\n    },\n", to: &out)
            }
            append("  ]", to: &out)
        }
        append("\n}\n", to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The `layers` list of the explicit model form, its `[` at the current
    /// position of a line indented `indent` levels.
    private static func appendLayers(_ network: Network, indent: Int, to out: inout [UInt8]) {
        let inner = String(repeating: "  ", count: indent + 1), member = inner + "  "
        append("[\n", to: &out)
        for (l, layer) in network.layers.enumerated() {
            append(inner + "{\n" + member + "\"units\": ", to: &out)
            appendNumber(Double(layer.units), to: &out)
            append(",\n" + member + "\"activation\": " + JSONWriter.quoted(layer.activation.rawValue), to: &out)
            if layer.biases == nil { append(",\n" + member + "\"bias\": false", to: &out) }
            append(",\n" + member + "\"weights\": " + (layer.weights.rows == 0 ? "[" : "[\n"), to: &out)
            let weights = layer.weights
            for row in 0 ..< weights.rows {
                append(member + "  ", to: &out)
                appendNumbers(weights.elements[row * weights.columns ..< (row + 1) * weights.columns], to: &out)
                append(row == weights.rows - 1 ? "\n" : ",\n", to: &out)
            }
            append(weights.rows == 0 ? "]" : member + "]", to: &out)
            if let biases = layer.biases {
                append(",\n" + member + "\"biases\": ", to: &out)
                appendNumbers(biases[...], to: &out)
            }
            append("\n" + inner + (l == network.layers.count - 1 ? "}\n" : "},\n"), to: &out)
        }
        append(String(repeating: "  ", count: indent) + "]", to: &out)
    }

    /// `[x, y, …]` on one line; `[]` when empty.
    private static func appendNumbers(_ values: ArraySlice<Double>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (i, x) in values.enumerated() {
            if i > 0 { append(", ", to: &out) }
            appendNumber(x, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `numberText(x)`, or `null` when x is not finite (JSON has no NaN).
    private static func appendNumber(_ x: Double, to out: inout [UInt8]) {
        if x.isFinite { appendNumberText(x, to: &out) } else { append("null", to: &out) }
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    private static let location = SourceLocation(line: 1, column: 1)
    private static func node(_ value: JSONValue) -> JSONNode { JSONNode(value, at: location) }
    private static func member(_ key: String, _ value: JSONValue) -> JSONMember {
        JSONMember(key: key, keyLocation: location, value: node(value))
    }
}

/// What a run's model.json holds, as `ModelFile.readWithSnapshots` reads it:
/// the trained network (nil when the file is missing or not a valid model)
/// and the snapshots (nil when it has none). The runner keeps the ones it
/// just wrote in memory (`Runner.keep`, with its config), the same numbers: the file's
/// shortest round-trip digits read back to the bits written.
public struct SavedModel: Sendable {
    public var network: Network?
    public var snapshots: [NetworkSnapshot]?

    public init(network: Network?, snapshots: [NetworkSnapshot]?) {
        self.network = network
        self.snapshots = snapshots
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
        document(run).flatMap { network(in: $0, file: run.model) }
    }

    /// The snapshots in a run's `model.json`, by epoch as written; nil when the
    /// file has none (not 2-D classification, or trained before they were
    /// recorded) or one of them is not a valid network.
    public static func readSnapshots(_ run: RunFolder) -> [NetworkSnapshot]? {
        document(run).flatMap { snapshots(in: $0, file: run.model) }
    }

    /// `read` and `readSnapshots` from one parse of the file, for a report
    /// that pictures both.
    public static func readWithSnapshots(_ run: RunFolder) -> SavedModel {
        guard let document = document(run) else { return SavedModel(network: nil, snapshots: nil) }
        return SavedModel(network: network(in: document, file: run.model), snapshots: snapshots(in: document, file: run.model))
    }

    private static func network(in document: JSONNode, file: String) -> Network? {
        guard let inputs = document.member("inputs")?.value.intValue, let layers = document.member("layers")?.value else { return nil }
        return network(inputs: inputs, layers: layers, file: file)
    }

    private static func snapshots(in document: JSONNode, file: String) -> [NetworkSnapshot]? {
        guard let inputs = document.member("inputs")?.value.intValue,
              let list = document.member("snapshots")?.value.value.elements else { return nil }
        var snapshots: [NetworkSnapshot] = []
        for item in list {
            guard let epoch = item.member("epoch")?.value.intValue, let layers = item.member("layers")?.value,
                  let network = network(inputs: inputs, layers: layers, file: file) else { return nil }
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
