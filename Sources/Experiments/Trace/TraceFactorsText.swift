import Foundation
import NeuralNetwork

/// The trace's pieces that lay δ open: the legend of symbols, f′(z) by its
/// formula, ∇ₐC by the loss's, δᴸ as the product of its factors with the two
/// simplifications (sigmoid with binary cross-entropy, softmax with
/// cross-entropy), and the gradient check.
extension TraceText {
    /// Every symbol the trace uses, defined once.
    static func legend(layers: Int, outputs: Int) -> String {
        """
        symbols: x = a⁰ the input, y the target, ŷ = a\(sup(layers)) the output;
          L = \(layers) layer\(layers == 1 ? "" : "s"), K = \(outputs) output\(outputs == 1 ? "" : "s"), N samples in the batch;
          layer l: weights Wˡ (wˡⱼₖ from unit k below into unit j), biases bˡ,
          zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = f(zˡ), f′ the derivative of f;
          C the loss, ∇ₐC = ∂C/∂ŷ, δˡ = ∂C/∂zˡ;
          ⊙ and ⊘ multiply and divide element by element, ᵀ transposes.

        """
    }

    /// f′(zˡ) as the activation defines it, with its values (softmax: each sample's Jacobian).
    static func derivativeBlock(_ activation: Activation, layer l: Int, _ values: Matrix, samples: [Int]) -> String {
        let z = "z\(sup(l))", a = "a\(sup(l))"
        let formula: String
        switch activation {
        case .identity: formula = "1"
        case .sigmoid: formula = "\(a) ⊙ (1 − \(a))"
        case .tanh: formula = "1 − (\(a))²"
        case .relu: formula = "1 where \(z) > 0, else 0"
        case .leakyRelu: formula = "1 where \(z) > 0, else 0.01"
        case .zero: formula = "0"
        case .softmax:
            let k = Int(Double(values.columns).squareRoot().rounded())
            var out = "    f′(\(z)): softmax's Jacobian ∂\(a)ⱼ/∂\(z)ₖ = \(a)ⱼ(1[j = k] − \(a)ₖ), per sample\n"
            for (row, sample) in samples.enumerated() where row < values.rows {
                out += block("sample \(sample)", Matrix(rows: k, columns: k, elements: values.row(row)), indent: 6)
            }
            return out
        }
        return block("f′(\(z)) = \(formula)", values, indent: 4)
    }

    /// ∇ₐC by the loss's own formula.
    static func outputGradientFormula(_ loss: Loss, outputs: Int) -> String {
        let perOutput = outputs == 1 ? "" : "(1/K) "
        switch loss {
        case .mse: return outputs == 1 ? "2(ŷ − y)" : "(2/K)(ŷ − y)"
        case .squaredError: return "2(ŷ − y)"
        case .halfSquaredError: return "ŷ − y"
        case .binaryCrossEntropy: return "\(perOutput)(ŷ − y) ⊘ (ŷ ⊙ (1 − ŷ))"
        case .crossEntropy: return "−y ⊘ ŷ (0 where y = 0)"
        }
    }

    /// δᴸ as the product of its factors, and what it simplifies to where it does.
    static func outputDeltaFormula(_ loss: Loss, activation: Activation, layer l: Int, outputs: Int) -> String {
        let delta = "δ\(sup(l))"
        switch (loss, activation) {
        case (.binaryCrossEntropy, _): return "\(delta) = ∇ₐC ⊙ f′(z\(sup(l))) = \(outputs == 1 ? "ŷ − y" : "(ŷ − y)/K")"
        case (.crossEntropy, _): return "\(delta) = (∂ŷ/∂z\(sup(l)))ᵀ ∇ₐC = ŷ − y"
        case (_, .softmax): return "\(delta) = (∂ŷ/∂z\(sup(l)))ᵀ ∇ₐC, \(delta)ⱼ = ŷⱼ((∇ₐC)ⱼ − Σₖ (∇ₐC)ₖ ŷₖ)"
        default: return "\(delta) = ∇ₐC ⊙ f′(z\(sup(l)))"
        }
    }

    /// The loss and output pairs whose δᴸ simplifies.
    static func simplification(_ loss: Loss, layer l: Int, outputs: Int) -> String? {
        switch loss {
        case .binaryCrossEntropy:
            return "sigmoid with binary cross-entropy: f′(z\(sup(l))) = ŷ(1 − ŷ) cancels the denominator of ∇ₐC,\n"
                + "     so δ\(sup(l)) = \(outputs == 1 ? "ŷ − y" : "(ŷ − y)/K") stays as large as the error however saturated ŷ is;\n"
                + "     nnlab computes it so, from z\(sup(l))"
        case .crossEntropy:
            return "softmax with cross-entropy: the Jacobian times −y ⊘ ŷ is ŷ Σₖ yₖ − y,\n"
                + "     so δ\(sup(l)) = ŷ − y for a one-hot y; nnlab computes it so, from z\(sup(l))"
        case .mse, .squaredError, .halfSquaredError:
            return nil
        }
    }

    /// The finite-difference estimates beside backprop's gradients, their
    /// relative errors (`kink` where the step crosses one), and the verdict.
    static func checkSection(_ check: GradientCheck) -> String {
        var out = "\nGradient check: backprop's g = ∂C/∂θ beside ĝ = [C(θ + h) − C(θ − h)] / 2h,\n"
        out += "  h = ε^(1/3)·max(1, |θ|) (ε = 2⁻⁵²), relative error |g − ĝ| / max(|g|, |ĝ|, \(numberText(GradientCheck.floorScale))·max(1, |C|))\n"
        func errors(_ values: [Double], _ kinks: [Bool]) -> [String] {
            zip(values, kinks).map { $1 ? "kink" : String(format: "%.2g", $0) }
        }
        for l in check.layers.indices.reversed() {
            let layer = check.layers[l]
            out += "  layer \(l + 1)\n"
            out += block("ĝ for ∂C/∂W\(sup(l + 1))", layer.weights, indent: 4)
            out += block("relative error", cells: errors(layer.weightErrors.elements, layer.weightKinks),
                         rows: layer.weightErrors.rows, columns: layer.weightErrors.columns, indent: 6)
            if let biases = layer.biases, let biasErrors = layer.biasErrors, let kinks = layer.biasKinks {
                out += block("ĝ for ∂C/∂b\(sup(l + 1))", Matrix([biases]), indent: 4)
                out += block("relative error", cells: errors(biasErrors, kinks), rows: 1, columns: biasErrors.count, indent: 6)
            }
        }
        let counted = check.entries - check.kinks
        let largest = String(format: "%.2g", check.largestError)
        let tolerance = numberText(GradientCheck.tolerance)
        if !check.loss.isFinite {
            out += "  not checked: the loss is not finite\n"
        } else if check.passed {
            out += "  passed: \(counted) of \(check.entries) gradients within \(tolerance) (largest relative error \(largest))"
        } else {
            out += "  FAILED: largest relative error \(largest), above the tolerance \(tolerance)"
        }
        if check.loss.isFinite {
            out += check.kinks == 0 ? "\n" : "; \(check.kinks) not counted: their step moves a relu or leaky_relu z across 0 (a kink)\n"
        }
        return out
    }
}
