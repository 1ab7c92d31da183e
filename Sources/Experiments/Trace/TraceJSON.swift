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
///
/// The factors of δ come before it in each layer: "activation_derivative"
/// (f′(zˡ), rows of the batch; for softmax, each sample's Jacobian
/// ∂aⱼ/∂zₖ as a matrix), then "output_gradient" (∇ₐC = ∂C/∂ŷ, the output layer)
/// or "backpropagated" ((Wˡ⁺¹)ᵀ δˡ⁺¹, rows of the batch, a hidden layer).
/// With `--check`, each layer has "gradient_check" after "bias_gradient":
/// {"weight_gradient", "weight_relative_error", "weight_kink", and the same for
/// "bias_"} (ĝ of `GradientCheck`, its relative errors, and whether the step
/// crosses a kink), and each step has "gradient_check" after "layers":
/// {"tolerance", "largest_relative_error", "kinks", "passed"}.
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
                let activation = step.after.layers[l].activation
                var members = [member("layer", integer(l + 1)),
                               member("activation", .string(activation.rawValue)),
                               member("z", matrix(step.z[l])), member("a", matrix(step.a[l]))]
                if l < step.activationDerivatives.count {
                    let derivative = step.activationDerivatives[l]
                    if activation == .softmax {
                        let k = step.a[l].columns
                        members.append(member("activation_derivative", .array((0 ..< derivative.rows).map {
                            node(matrix(Matrix(rows: k, columns: k, elements: derivative.row($0))))
                        })))
                    } else {
                        members.append(member("activation_derivative", matrix(derivative)))
                    }
                    if let back = step.backpropagated[l] {
                        members.append(member("backpropagated", matrix(back)))
                    } else {
                        members.append(member("output_gradient", matrix(step.outputGradient)))
                    }
                }
                members += [member("delta", matrix(step.delta[l])), member("weight_gradient", matrix(step.gradients[l].weights))]
                if let gradient = step.gradients[l].biases { members.append(member("bias_gradient", vector(gradient))) }
                if let check = step.gradientCheck?.layers[l] {
                    var parts = [member("weight_gradient", matrix(check.weights)), member("weight_relative_error", matrix(check.weightErrors)),
                                 member("weight_kink", .array(check.weightKinks.chunked(check.weights.columns).map { row in
                                     node(.array(row.map { node(.bool($0)) }))
                                 }))]
                    if let biases = check.biases, let errors = check.biasErrors, let kinks = check.biasKinks {
                        parts += [member("bias_gradient", vector(biases)), member("bias_relative_error", vector(errors)),
                                  member("bias_kink", .array(kinks.map { node(.bool($0)) }))]
                    }
                    members.append(member("gradient_check", .object(parts)))
                }
                members.append(member("weights_after", matrix(step.after.layers[l].weights)))
                if let biases = step.after.layers[l].biases { members.append(member("biases_after", vector(biases))) }
                return node(.object(members))
            }
            return node(.object([member("step", integer(step.step)), member("samples", .array(step.samples.map { node(integer($0)) })),
                                 member("inputs", matrix(step.inputs)), member("targets", matrix(step.targets)),
                                 member("output", matrix(step.output)), member("loss", JSONWriter.number(step.loss)),
                                 member("learning_rate", JSONWriter.number(step.learningRate))]
                                + (step.cycledMomentum.map { [member(momentumKey, JSONWriter.number($0))] } ?? [])
                                + [member("layers", .array(layers))]
                                + (step.gradientCheck.map { check in
                                    [member("gradient_check", .object([
                                        member("tolerance", JSONWriter.number(GradientCheck.tolerance)),
                                        member("largest_relative_error", JSONWriter.number(check.largestError)),
                                        member("kinks", integer(check.kinks)), member("passed", .bool(check.passed))]))]
                                } ?? [])))
        }
        return JSONWriter.render(.object([member("experiment", .string(experiment)), member("steps", .array(stepNodes))]))
    }
}

private extension Array {
    /// The elements in consecutive runs of `size` (the last may be shorter).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        guard size > 0 else { return [] }
        return stride(from: 0, to: count, by: size).map { self[$0 ..< Swift.min($0 + size, count)] }
    }
}
