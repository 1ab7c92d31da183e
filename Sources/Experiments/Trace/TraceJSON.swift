import NeuralNetwork

/// `nnlab trace --format json`, exactly as SPEC §6 gives it:
/// `{"experiment", "steps": [{"step", "samples", "inputs", "targets", "output",
/// "loss", "learning_rate", "layers": [{"layer", "activation", "z", "a", "delta",
/// "weight_gradient", "bias_gradient", "weights_after", "biases_after"}]}]}`.
/// Batch matrices are rows of the batch; gradients are shaped like the
/// parameters; a layer without bias has no bias keys. `learning_rate` is the
/// step's ηₜ; when one_cycle cycles momentum, "momentum" (SGD) or "beta1"
/// (Adam) holds the step's value, after "learning_rate". Numbers are the shortest
/// text that reads back to the same Double; a non-finite number is null.
public enum TraceJSON {
    public static func render(experiment: String, steps: [TraceStep], optimizer: Optimizer? = nil) -> String {
        var momentumKey = "momentum"
        if case .adam = optimizer { momentumKey = "beta1" }
        let location = SourceLocation(line: 1, column: 1)
        func node(_ value: JSONValue) -> JSONNode { JSONNode(value, at: location) }
        func member(_ key: String, _ value: JSONValue) -> JSONMember { JSONMember(key: key, keyLocation: location, value: node(value)) }
        func vector(_ values: [Double]) -> JSONValue { .array(values.map { node(JSONWriter.number($0)) }) }
        func matrix(_ m: Matrix) -> JSONValue { .array(m.rowArrays.map { node(vector($0)) }) }
        func integer(_ n: Int) -> JSONValue { .number(Double(n), literal: String(n)) }

        let stepNodes: [JSONNode] = steps.map { step in
            let layers: [JSONNode] = step.after.layers.indices.map { l in
                var members = [member("layer", integer(l + 1)),
                               member("activation", .string(step.after.layers[l].activation.rawValue)),
                               member("z", matrix(step.z[l])), member("a", matrix(step.a[l])),
                               member("delta", matrix(step.delta[l])),
                               member("weight_gradient", matrix(step.gradients[l].weights))]
                if let gradient = step.gradients[l].biases { members.append(member("bias_gradient", vector(gradient))) }
                members.append(member("weights_after", matrix(step.after.layers[l].weights)))
                if let biases = step.after.layers[l].biases { members.append(member("biases_after", vector(biases))) }
                return node(.object(members))
            }
            return node(.object([member("step", integer(step.step)), member("samples", .array(step.samples.map { node(integer($0)) })),
                                 member("inputs", matrix(step.inputs)), member("targets", matrix(step.targets)),
                                 member("output", matrix(step.output)), member("loss", JSONWriter.number(step.loss)),
                                 member("learning_rate", JSONWriter.number(step.learningRate))]
                                + (step.cycledMomentum.map { [member(momentumKey, JSONWriter.number($0))] } ?? [])
                                + [member("layers", .array(layers))]))
        }
        return JSONWriter.render(.object([member("experiment", .string(experiment)), member("steps", .array(stepNodes))]))
    }
}
