import Foundation
import NeuralNetwork

/// `nnlab trace` as text: each step worked the way a backprop exercise is
/// solved on paper, every quantity named by its formula, values aligned.
/// Numbers show 10 significant digits (the JSON form has them all).
public enum TraceText {
    public static func render(_ run: RunConfig, steps: [TraceStep]) -> String {
        var out = "nnlab trace: \(run.experiment), run \(run.name)\n"
        out += "network: \(run.model.inputs) inputs → " + run.model.layers.map { "\($0.units) \($0.activation.rawValue)" }.joined(separator: " → ")
        out += "; loss \(run.loss.rawValue): \(lossFormula(run.loss, outputs: run.model.outputs))\n"
        out += "optimizer: \(optimizerDescription(run.optimizer))\n"
        if let schedule = run.optimizer.schedule { out += "schedule: \(scheduleDescription(schedule))\n" }
        let symbols = Symbols(run.optimizer)
        let last = run.model.layers.count
        out += legend(layers: last, outputs: run.model.outputs)
        for step in steps {
            let n = step.samples.count
            out += "\n━━ Step \(step.step): sample\(n == 1 ? "" : "s") \(step.samples.map(String.init).joined(separator: ", ")) of the training set"
            out += n == 1 ? "\n" : " (a batch of \(n): one row per sample; gradients are means over the batch)\n"
            out += block("x = a⁰", step.inputs)
            out += block("y", step.targets)

            out += "\nForward: zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = f(zˡ), and f′(zˡ) for the backward pass\n"
            for l in 0 ..< last {
                let layer = step.before.layers[l]
                out += "  layer \(l + 1) (\(layer.units) \(layer.activation.rawValue))\n"
                out += block("W\(sup(l + 1))", layer.weights, indent: 4)
                if let b = layer.biases { out += block("b\(sup(l + 1))", Matrix([b]), indent: 4) }
                out += block("z\(sup(l + 1))", step.z[l], indent: 4)
                out += block("a\(sup(l + 1)) = \(layer.activation.rawValue)(z\(sup(l + 1)))", step.a[l], indent: 4)
                if l < step.activationDerivatives.count {
                    out += derivativeBlock(layer.activation, layer: l + 1, step.activationDerivatives[l], samples: step.samples)
                }
            }
            out += "  output ŷ = a\(sup(last))\n"
            out += "  loss C = \(n == 1 ? "" : "(1/N) Σₙ ")\(lossFormula(run.loss, outputs: run.model.outputs)) = \(number(step.loss))\n"

            out += "\nBackward, from the last layer:\n"
            for l in stride(from: last - 1, through: 0, by: -1) {
                let layer = step.before.layers[l]
                let known = l < step.activationDerivatives.count
                out += "  layer \(l + 1)\(l == last - 1 ? " (output)" : "")\n"
                if l == last - 1 {
                    if known {
                        out += block("∇ₐC = ∂C/∂ŷ = \(outputGradientFormula(run.loss, outputs: run.model.outputs))", step.outputGradient, indent: 4)
                        out += derivativeBlock(layer.activation, layer: l + 1, step.activationDerivatives[l], samples: step.samples)
                    }
                    out += block(outputDeltaFormula(run.loss, activation: layer.activation, layer: l + 1, outputs: run.model.outputs), step.delta[l], indent: 4)
                    if let note = simplification(run.loss, layer: l + 1, outputs: run.model.outputs) { out += "    (\(note))\n" }
                } else {
                    if known, let back = step.backpropagated[l] {
                        out += block("(W\(sup(l + 2)))ᵀ δ\(sup(l + 2))", back, indent: 4)
                        out += derivativeBlock(layer.activation, layer: l + 1, step.activationDerivatives[l], samples: step.samples)
                    }
                    out += block("δ\(sup(l + 1)) = ((W\(sup(l + 2)))ᵀ δ\(sup(l + 2))) ⊙ f′(z\(sup(l + 1)))", step.delta[l], indent: 4)
                }
                let mean = n == 1 ? "" : "(1/N) Σₙ "
                out += block("∂C/∂W\(sup(l + 1)) = \(mean)δ\(sup(l + 1)) (a\(sup(l)))ᵀ, ∂C/∂w\(sup(l + 1))ⱼₖ = a\(sup(l))ₖ δ\(sup(l + 1))ⱼ", step.gradients[l].weights, indent: 4)
                if let gradient = step.gradients[l].biases {
                    out += block("∂C/∂b\(sup(l + 1)) = \(mean)δ\(sup(l + 1))", Matrix([gradient]), indent: 4)
                } else if layer.biases == nil {
                    out += "    (no bias)\n"
                }
            }
            if let check = step.gradientCheck { out += checkSection(check) }

            out += "\nUpdate: \(updateFormula(run.optimizer, symbols))\n"
            if run.optimizer.schedule != nil {
                var rates = "  \(symbols.eta) = \(number(step.learningRate))"
                if let t = step.scheduleSteps { rates += " (t = \(t))" }
                if let momentum = step.cycledMomentum {
                    rates += ", \(symbols.momentum) = \(number(momentum))"
                }
                out += rates + "\n"
            }
            for l in 0 ..< last {
                out += "  layer \(l + 1)\n"
                out += parameterUpdate("W\(sup(l + 1))", step.before.layers[l].weights, step.after.layers[l].weights,
                                       state: step.state, layer: l, bias: false, optimizer: run.optimizer, symbols: symbols)
                if let before = step.before.layers[l].biases, let after = step.after.layers[l].biases {
                    out += parameterUpdate("b\(sup(l + 1))", Matrix([before]), Matrix([after]), state: step.state, layer: l, bias: true,
                                           optimizer: run.optimizer, symbols: symbols)
                }
            }
        }
        return out
    }

    // MARK: Pieces

    private static func parameterUpdate(_ name: String, _ before: Matrix, _ after: Matrix, state: OptimizerState, layer: Int,
                                        bias: Bool, optimizer: OptimizerConfig, symbols: Symbols) -> String {
        var out = ""
        func buffer(_ buffers: [LayerParameters]) -> Matrix? {
            guard layer < buffers.count else { return nil }
            return bias ? buffers[layer].biases.map { Matrix([$0]) } : buffers[layer].weights
        }
        switch optimizer.optimizer {
        case .sgd(let sgd) where sgd.momentum != 0:
            if let b = buffer(state.first) { out += block("b (\(name))", b, indent: 4) }
        case .adam:
            if let m = buffer(state.first) { out += block("m (\(name))", m, indent: 4) }
            if let v = buffer(state.second) { out += block("v (\(name))", v, indent: 4) }
        default:
            break
        }
        let rule: String
        switch optimizer.optimizer {
        case .sgd(let sgd) where sgd.momentum == 0: rule = "\(name) − \(symbols.eta) g"
        case .sgd(let sgd): rule = sgd.nesterov ? "\(name) − \(symbols.eta) (g + \(symbols.momentum)b)" : "\(name) − \(symbols.eta) b"
        case .adam: rule = "\(name) − \(symbols.eta) m̂ / (√v̂ + ε)"
        }
        out += block("\(name) ← \(rule)", after, indent: 4)
        return out
    }

    private static func lossFormula(_ loss: Loss, outputs: Int) -> String {
        switch loss {
        case .mse: return outputs == 1 ? "(ŷ − y)²" : "(1/K) Σₖ (ŷₖ − yₖ)²"
        case .squaredError: return outputs == 1 ? "(ŷ − y)²" : "Σₖ (ŷₖ − yₖ)²"
        case .halfSquaredError: return outputs == 1 ? "½(ŷ − y)²" : "½ Σₖ (ŷₖ − yₖ)²"
        case .binaryCrossEntropy: return "−[y log ŷ + (1 − y) log(1 − ŷ)]" + (outputs == 1 ? "" : ", mean over outputs")
        case .crossEntropy: return "−log ŷ_label"
        }
    }

    private static func optimizerDescription(_ config: OptimizerConfig) -> String {
        switch config.optimizer {
        case .sgd(let sgd):
            var parts = ["\(config.name), η = \(number(sgd.learningRate))"]
            if sgd.momentum != 0 { parts.append("μ = \(number(sgd.momentum))\(sgd.nesterov ? ", Nesterov" : "")") }
            if sgd.weightDecay != 0 { parts.append("λ = \(number(sgd.weightDecay))") }
            return parts.joined(separator: ", ")
        case .adam(let adam):
            var text = "adam, η = \(number(adam.learningRate)), β₁ = \(number(adam.beta1)), β₂ = \(number(adam.beta2)), ε = \(number(adam.epsilon))"
            if adam.weightDecay != 0 { text += ", λ = \(number(adam.weightDecay))" }
            return text
        }
    }

    private static func updateFormula(_ config: OptimizerConfig, _ symbols: Symbols) -> String {
        let (eta, mu) = (symbols.eta, symbols.momentum)
        let decay: String
        switch config.optimizer {
        case .sgd(let sgd): decay = sgd.weightDecay != 0 ? "g = ∂C/∂θ + λθ; " : "g = ∂C/∂θ; "
        case .adam(let adam): decay = adam.weightDecay != 0 ? "g = ∂C/∂θ + λθ; " : "g = ∂C/∂θ; "
        }
        switch config.optimizer {
        case .sgd(let sgd) where sgd.momentum == 0:
            return decay + "θ ← θ − \(eta) g"
        case .sgd(let sgd):
            return decay + "b ← \(mu)b + g (b = g at step 1); " + (sgd.nesterov ? "θ ← θ − \(eta) (g + \(mu)b)" : "θ ← θ − \(eta) b")
        case .adam:
            return decay + "m ← \(mu)m + (1 − \(mu))g; v ← β₂v + (1 − β₂)g²; θ ← θ − \(eta) m̂ / (√v̂ + ε), m̂ = m/(1 − \(mu)ᵗ), v̂ = v/(1 − β₂ᵗ)"
        }
    }

    /// The symbols of the update rule: η and μ (SGD) or β₁ (Adam), with a
    /// subscript t where the schedule changes them from step to step.
    struct Symbols {
        var eta: String
        var momentum: String

        init(_ config: OptimizerConfig) {
            let isAdam: Bool
            if case .adam = config.optimizer { isAdam = true } else { isAdam = false }
            var cycled = false
            if case .oneCycle(let cycle) = config.schedule?.schedule { cycled = cycle.cycleMomentum }
            eta = config.schedule == nil ? "η" : "ηₜ"
            momentum = isAdam ? (cycled ? "β₁ₜ" : "β₁") : (cycled ? "μₜ" : "μ")
        }
    }

    /// A schedule as its PyTorch constructor call would read.
    static func scheduleDescription(_ settings: ScheduleSettings) -> String {
        var text: String
        switch settings.schedule {
        case .constant: text = "constant"
        case .step(let size, let gamma): text = "step (StepLR), step_size = \(size), γ = \(number(gamma))"
        case .multiStep(let milestones, let gamma):
            text = "multistep (MultiStepLR), milestones = \(milestones.map(String.init).joined(separator: ", ")), γ = \(number(gamma))"
        case .exponential(let gamma): text = "exponential (ExponentialLR), γ = \(number(gamma))"
        case .cosine(let tMax, let etaMin): text = "cosine (CosineAnnealingLR), T_max = \(tMax), η_min = \(number(etaMin))"
        case .linear(let s, let e, let n):
            text = "linear (LinearLR), start_factor = \(number(s)), end_factor = \(number(e)), total_iters = \(n)"
        case .oneCycle(let c):
            text = "one_cycle (OneCycleLR), max_lr = \(number(c.maxLearningRate)), pct_start = \(number(c.pctStart)), "
                + "\(c.cosineAnnealing ? "cos" : "linear") annealing, div_factor = \(number(c.divFactor)), "
                + "final_div_factor = \(number(c.finalDivFactor))\(c.threePhase ? ", three phases" : "")"
            if c.cycleMomentum { text += ", momentum cycled \(number(c.maxMomentum)) → \(number(c.baseMomentum)) → \(number(c.maxMomentum))" }
        case .reduceOnPlateau(let p):
            text = "reduce_on_plateau (ReduceLROnPlateau), factor = \(number(p.factor)), patience = \(p.patience), "
                + "threshold = \(number(p.threshold)) \(p.relativeThreshold ? "rel" : "abs"), cooldown = \(p.cooldown), min_lr = \(number(p.minLearningRate))"
        }
        if let warmup = settings.warmup {
            text += "; warm-up over \(warmup.epochs) epoch\(warmup.epochs == 1 ? "" : "s") from \(number(warmup.startFactor))·η"
        }
        return text + (settings.interval == .step ? "; stepped after every optimizer step" : "; stepped after every epoch")
    }

    /// `label = [ 1  2 ]` with further rows aligned under the first.
    static func block(_ label: String, _ m: Matrix, indent: Int = 2) -> String {
        block(label, cells: m.elements.map(number), rows: m.rows, columns: m.columns, indent: indent)
    }

    /// `block` of cells already written, row by row.
    static func block(_ label: String, cells: [String], rows: Int, columns: Int, indent: Int = 2) -> String {
        let width = cells.map(\.count).max() ?? 0
        let pad = String(repeating: " ", count: indent)
        let lead = pad + label + " = "
        let continuation = String(repeating: " ", count: lead.count)
        var out = ""
        for row in 0 ..< rows {
            let values = (0 ..< columns).map { j -> String in
                let cell = cells[row * columns + j]
                return String(repeating: " ", count: width - cell.count) + cell
            }
            out += (row == 0 ? lead : continuation) + "[ " + values.joined(separator: "  ") + " ]\n"
        }
        if rows == 0 { out = lead + "[ ]\n" }
        return out
    }

    /// Ten significant digits, without trailing zeros.
    static func number(_ x: Double) -> String {
        if !x.isFinite { return numberText(x) }
        if x == 0 { return "0" }
        var text = String(format: "%.10g", x)
        if text.contains("e") {
            let parts = text.split(separator: "e")
            var mantissa = String(parts[0])
            if mantissa.contains(".") {
                while mantissa.hasSuffix("0") { mantissa.removeLast() }
                if mantissa.hasSuffix(".") { mantissa.removeLast() }
            }
            let exponent = Int(parts[1]) ?? 0
            text = "\(mantissa)e\(exponent)"
        } else if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// Superscript digits for layer numbers: 12 → ¹².
    static func sup(_ n: Int) -> String {
        let digits = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return String(n).map { digits[$0.wholeNumberValue ?? 0] }.joined()
    }
}
