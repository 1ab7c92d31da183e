import Foundation
import NeuralNetwork

let activationChoices = Activation.allCases.map { ($0.rawValue, $0) }
let hiddenActivationChoices = Activation.allCases.filter(\.isAllowedInHiddenLayer).map { ($0.rawValue, $0) }
let lossChoices = Loss.allCases.map { ($0.rawValue, $0) }

let compactModelKeys = ["hidden", "activation", "output_activation", "init", "outputs"]
let explicitModelKeys = ["inputs", "layers"]
let layerKeys = ["units", "activation", "bias", "weights", "biases", "init"]
/// Every key a `model` object may have, for sweep paths.
let allModelKeys = compactModelKeys + explicitModelKeys

/// The most units a layer may have, so that sizes stay exact in Double arithmetic;
/// far smaller networks are already refused by the memory estimate.
let maximumUnits = 1 << 50

/// Reads and checks `model` (compact or explicit form) against the data's
/// shape and the loss, expanding the compact form into layer specs.
func readModel(_ node: JSONNode, shape: DataShape?, loss: Loss?, sink: DiagnosticSink) -> ModelConfig? {
    guard var reader = ObjectReader(node, path: "model", sink: sink) else { return nil }
    let model = reader.has("layers") ? readExplicit(&reader, shape: shape, sink: sink)
                                      : readCompact(&reader, shape: shape, loss: loss, sink: sink)
    guard let model, let shape else { return nil }
    guard checkOutputs(model, node: node, shape: shape, sink: sink) else { return nil }
    guard checkMemory(model, node: node, shape: shape, sink: sink) else { return nil }
    return model
}

private func readCompact(_ reader: inout ObjectReader, shape: DataShape?, loss: Loss?, sink: DiagnosticSink) -> ModelConfig? {
    var hidden: [Int]?
    if let member = reader.member("hidden") {
        if let elements = member.value.value.elements {
            let sizes = elements.enumerated().compactMap { i, element in
                checkInteger(element, "model.hidden[\(i)]", minimum: 1, maximum: maximumUnits, sink)
            }
            hidden = sizes.count == elements.count ? sizes : nil
        } else {
            sink.error(at: member.value.location, "model.hidden",
                       "expected a list of layer sizes (may be empty), found \(foundText(member.value))")
        }
    } else {
        reader.missing("hidden")
    }
    let activation = readHiddenActivation(&reader, key: "activation", path: "model.activation", default: .relu)
    let outputActivationGiven = reader.choice("output_activation", kind: "activation", activationChoices)
    let initializer = readInitializer(&reader, sink: sink)
    let outputsGiven = reader.integer("outputs", minimum: 1, maximum: maximumUnits)
    reader.finish(allowed: compactModelKeys, explanations: [
        "units": "\"units\" belongs to a layer of the explicit form (\"inputs\" and \"layers\"); the compact form takes \"hidden\"",
        "inputs": "\"inputs\" belongs to the explicit form with \"layers\"; the compact form takes its inputs from the data",
    ])
    let invalid = reader.has("output_activation") && outputActivationGiven == nil || reader.has("outputs") && outputsGiven == nil
    guard let hidden, let activation, let initializer, let shape, !invalid else { return nil }

    let outputs: Int
    if let outputsGiven {
        outputs = outputsGiven
    } else {
        switch shape.targets {
        case .regression(let width):
            outputs = width
        case .classes(let classes):
            let wantsSoftmax = loss == .crossEntropy || outputActivationGiven == .softmax
            outputs = classes == 2 && !wantsSoftmax ? 1 : classes
        }
    }
    let outputActivation: Activation
    if let outputActivationGiven {
        outputActivation = outputActivationGiven
    } else if case .regression = shape.targets {
        outputActivation = .identity
    } else if let required = loss?.requiredOutputActivation {
        outputActivation = required
    } else {
        outputActivation = outputs == 1 ? .sigmoid : .softmax
    }
    var layers = hidden.map { LayerSpec(units: $0, activation: activation, initializer: initializer) }
    layers.append(LayerSpec(units: outputs, activation: outputActivation, initializer: initializer))
    return ModelConfig(inputs: shape.features, layers: layers)
}

private func readHiddenActivation(_ reader: inout ObjectReader, key: String, path: String, default value: Activation?) -> Activation? {
    guard let member = reader.member(key) else {
        if value == nil { reader.missing(key) }
        return value
    }
    if member.value.value.stringValue == Activation.softmax.rawValue {
        reader.sink.error(at: member.value.location, path,
                          "softmax is for the output layer only (hidden layers take one of: \(nameList(hiddenActivationChoices.map(\.0))))")
        return nil
    }
    return checkChoice(member.value, path, kind: "activation", activationChoices, reader.sink)
}

private func readExplicit(_ reader: inout ObjectReader, shape: DataShape?, sink: DiagnosticSink) -> ModelConfig? {
    let inputs = reader.integer("inputs", minimum: 1, maximum: maximumUnits, required: true)
    let layersMember = reader.member("layers")!
    reader.finish(allowed: explicitModelKeys, explanations: Dictionary(uniqueKeysWithValues: compactModelKeys.map {
        ($0, "\"\($0)\" belongs to the compact form; with \"layers\", give each layer its own \"units\", \"activation\" and \"init\"")
    }))
    if let inputs, let shape, inputs != shape.features, let member = reader.node.member("inputs") {
        sink.error(at: member.value.location, "model.inputs",
                   "the data has \(shape.features) input feature\(shape.features == 1 ? "" : "s"), found \(inputs)")
        return nil
    }
    guard let elements = layersMember.value.value.elements, !elements.isEmpty else {
        sink.error(at: layersMember.value.location, "model.layers", "expected a non-empty list of layers, found \(foundText(layersMember.value))")
        return nil
    }
    var layers: [LayerSpec] = []
    var below = inputs
    for (index, element) in elements.enumerated() {
        let path = "model.layers[\(index)]"
        let isOutput = index == elements.count - 1
        let layer = readLayer(element, path: path, inputs: below, isOutput: isOutput, sink: sink)
        below = layer?.units
        if let layer { layers.append(layer) }
    }
    guard let inputs, layers.count == elements.count else { return nil }
    return ModelConfig(inputs: inputs, layers: layers)
}

private func readLayer(_ node: JSONNode, path: String, inputs: Int?, isOutput: Bool, sink: DiagnosticSink) -> LayerSpec? {
    guard var reader = ObjectReader(node, path: path, sink: sink) else { return nil }
    let units = reader.integer("units", minimum: 1, maximum: maximumUnits, required: true)
    let activation = isOutput ? reader.choice("activation", kind: "activation", activationChoices, required: true)
                              : readHiddenActivation(&reader, key: "activation", path: path + ".activation", default: nil)
    let bias = reader.bool("bias", default: true)
    let initializer = readInitializer(&reader, sink: sink)
    var weights: [[Double]]?
    var weightsOK = true
    if let member = reader.member("weights") {
        weights = readRows(member.value, path: path + ".weights", sink: sink)
        weightsOK = weights != nil
        if let rows = weights, let units, let inputs, rows.count != units || rows[0].count != inputs {
            sink.error(at: member.value.location, path + ".weights",
                       "expected \(units) row\(units == 1 ? "" : "s") (units) of \(inputs) number\(inputs == 1 ? "" : "s") (inputs below), found \(rows.count)×\(rows[0].count)")
            weightsOK = false
        }
    }
    var biases: [Double]?
    var biasesOK = true
    if let member = reader.member("biases") {
        if bias == false {
            sink.error(at: member.keyLocation, path + ".biases", "the layer has \"bias\": false, so it takes no biases")
            biasesOK = false
        } else if let elements = member.value.value.elements {
            let values = elements.enumerated().compactMap { i, element in checkNumber(element, "\(path).biases[\(i)]", .any, sink) }
            biasesOK = values.count == elements.count
            if biasesOK, let units, values.count != units {
                sink.error(at: member.value.location, path + ".biases", "expected \(units) biases (one per unit), found \(values.count)")
                biasesOK = false
            }
            biases = values
        } else {
            sink.error(at: member.value.location, path + ".biases", "expected a list of numbers, found \(foundText(member.value))")
            biasesOK = false
        }
    }
    reader.finish(allowed: layerKeys)
    guard let units, let activation, let bias, let initializer, weightsOK, biasesOK else { return nil }
    return LayerSpec(units: units, activation: activation, bias: bias, weights: weights, biases: biases, initializer: initializer)
}

/// `init`: a name, or an object with a name and its parameter.
private func readInitializer(_ reader: inout ObjectReader, sink: DiagnosticSink) -> Initializer? {
    guard let member = reader.member("init") else { return .xavierUniform }
    let path = reader.childPath("init")
    let simple: [(String, Initializer)] = [("xavier_uniform", .xavierUniform), ("xavier_normal", .xavierNormal),
                                          ("he_uniform", .heUniform), ("he_normal", .heNormal), ("zeros", .zeros)]
    let parameterized = ["uniform": "limit", "normal": "std", "constant": "value"]
    let allNames = simple.map(\.0) + ["uniform", "normal", "constant"]
    if let name = member.value.value.stringValue, let key = parameterized[name] {
        sink.error(at: member.value.location, path, "\"\(name)\" needs its \"\(key)\": write {\"name\": \"\(name)\", \"\(key)\": …}")
        return nil
    }
    if member.value.value.stringValue != nil {
        return checkChoice(member.value, path, kind: "initializer", simple + [("uniform", .zeros), ("normal", .zeros), ("constant", .zeros)], sink)
    }
    guard var object = ObjectReader(member.value, path: path, sink: sink) else { return nil }
    guard let name = object.choice("name", kind: "initializer", allNames.map { ($0, $0) }, required: true) else { return nil }
    let result: Initializer?
    switch name {
    case "uniform": result = object.number("limit", .positive, required: true).map { Initializer.uniform(limit: $0) }
    case "normal": result = object.number("std", .nonNegative, required: true).map { Initializer.normal(std: $0) }
    case "constant": result = object.number("value", .any, required: true).map { Initializer.constant(value: $0) }
    default: result = simple.first { $0.0 == name }?.1
    }
    object.finish(allowed: ["name"] + (parameterized[name].map { [$0] } ?? []))
    return result
}

/// The output layer fits the data: its width, and softmax's need for several units.
private func checkOutputs(_ model: ModelConfig, node: JSONNode, shape: DataShape, sink: DiagnosticSink) -> Bool {
    let place = node.member("outputs")?.value.location ?? node.member("layers")?.value.value.elements?.last?.location ?? node.location
    let path = node.member("outputs") != nil ? "model.outputs" : node.member("layers") != nil ? "model.layers[\(model.layers.count - 1)].units" : "model"
    switch shape.targets {
    case .classes(let classes):
        if model.outputs != classes && !(classes == 2 && model.outputs == 1) {
            let options = classes == 2 ? "1 (the label) or 2 (one-hot)" : "\(classes) (one per class)"
            sink.error(at: place, path, "the data has \(classes) classes, so the output layer needs \(options) units, found \(model.outputs)")
            return false
        }
    case .regression(let width):
        if model.outputs != width {
            sink.error(at: place, path, "the data has \(width) target\(width == 1 ? "" : "s") per sample, so the output layer needs \(width) unit\(width == 1 ? "" : "s"), found \(model.outputs)")
            return false
        }
    }
    if model.outputActivation == .softmax && model.outputs == 1 {
        let activationPlace = node.member("output_activation")?.value.location ?? place
        sink.error(at: activationPlace, node.member("layers") != nil ? "model.layers[\(model.layers.count - 1)].activation" : "model.output_activation",
                   "softmax over a single output is always 1; use sigmoid, or 2 output units")
        return false
    }
    return true
}

/// Refuses, with the figure, a network that could not fit in the memory it may
/// use, before anything is allocated. The estimate counts, in Doubles, the
/// weights with their gradients and two optimizer buffers, and z, a and δ of
/// every layer for the whole data set (evaluation runs on all samples at once),
/// times the runs that train at once (`--jobs`, at most the experiment's runs).
/// The memory is the machine's, or the cgroup's limit where one is set and
/// smaller; the message says which. The error is placed at the key that makes
/// the network large: the widest layer's size, or `data.samples`.
private func checkMemory(_ model: ModelConfig, node: JSONNode, shape: DataShape, sink: DiagnosticSink) -> Bool {
    var parameters = 0.0, units = 0.0
    var below = Double(model.inputs)
    var largestLayer = 0, largestLayerBytes = 0.0
    let samples = Double(shape.samples)
    for (index, layer) in model.layers.enumerated() {
        let layerParameters = Double(layer.units) * (below + 1)
        parameters += layerParameters
        units += Double(layer.units)
        let layerBytes = 8 * (4 * layerParameters + 3 * Double(layer.units) * samples)
        if layerBytes > largestLayerBytes { (largestLayer, largestLayerBytes) = (index, layerBytes) }
        below = Double(layer.units)
    }
    let bytes = 8 * (4 * parameters + 3 * units * samples + Double(shape.features) * samples)
    let runs = Double(sink.runsAtOnce)
    let memory = memoryOfThisProcess
    guard bytes * runs > memory.bytes else { return true }

    // The key that makes it large: the samples when there are more of them than
    // units in the widest layer and their buffers outweigh its weights, else that layer.
    var location = node.location, path = "model"
    let widestUnits = Double(model.layers[largestLayer].units)
    let widestInputs = Double(largestLayer == 0 ? model.inputs : model.layers[largestLayer - 1].units)
    let dominatedBySamples = samples > widestUnits && 4 * widestUnits * (widestInputs + 1) < 3 * widestUnits * samples
    let root = sink.root
    if dominatedBySamples, let member = root?.member("data")?.value.member("samples") {
        (location, path) = (member.value.location, "data.samples")
    } else if let hidden = node.member("hidden")?.value.value.elements, largestLayer < hidden.count {
        (location, path) = (hidden[largestLayer].location, "model.hidden[\(largestLayer)]")
    } else if let layers = node.member("layers")?.value.value.elements, largestLayer < layers.count,
              let units = layers[largestLayer].member("units") {
        (location, path) = (units.value.location, "model.layers[\(largestLayer)].units")
    } else if let outputs = node.member("outputs") {
        (location, path) = (outputs.value.location, "model.outputs")
    }
    let widest = "its largest layer has \(model.layers[largestLayer].units) units"
    let perRun = "this network needs about \(byteText(bytes)) of memory for one run (\(numberText(parameters)) weights, \(numberText(units)) units × \(shape.samples) samples; \(widest))"
    let total = sink.runsAtOnce == 1 ? ""
        : "; \(sink.runsAtOnce) runs train at once (--jobs \(sink.jobs)), about \(byteText(bytes * runs)) together"
    sink.error(at: location, path, "\(perRun)\(total), more than \(memory.name)")
    return false
}

/// `availableMemory()`, read once per process: validation checks every model
/// it reads, and a report reads a model for each snapshot of each pictured run.
let memoryOfThisProcess = availableMemory()

/// The memory runs may use: the machine's physical memory, or a smaller
/// cgroup limit (v2 `/sys/fs/cgroup/memory.max`, v1 `memory.limit_in_bytes`)
/// where one is set.
struct AvailableMemory: Sendable {
    var bytes: Double
    /// The cgroup file whose limit `bytes` is, nil for the machine's memory.
    var limitFile: String?

    /// Where the figure comes from, in words for a message.
    var name: String {
        guard let limitFile else { return "this machine's \(byteText(bytes))" }
        return "the memory limit of \(byteText(bytes)) set for this container (\(limitFile))"
    }
}

/// `AvailableMemory` of this machine, from `cgroupFiles` (the first whose
/// limit is below the physical memory). Read with POSIX calls: this runs at
/// every start, before the first run.
func availableMemory(cgroupFiles: [String] = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"])
    -> AvailableMemory {
    let physical = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
    for file in cgroupFiles {
        // "max" (no limit) or a number of bytes, and a newline.
        guard case .success(let data) = readFile(at: file, limit: 4096, kind: "cgroup file") else { continue }
        let text = String(decoding: data, as: UTF8.self)
        guard let limit = Double(String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())) else { continue }
        if limit < physical { return AvailableMemory(bytes: limit, limitFile: file) }
    }
    return AvailableMemory(bytes: physical, limitFile: nil)
}
