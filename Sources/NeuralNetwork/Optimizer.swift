/// An optimizer: its settings, and through `makeState` and `update` the state it
/// keeps between steps and the rule that applies one step to the parameters.
///
/// Optimizers in order of increasing complexity: plain SGD is momentum with
/// μ = 0; Adam keeps two moments. Both follow PyTorch's single-tensor
/// implementations (`torch.optim.SGD` with dampening 0, `torch.optim.Adam`
/// without amsgrad) operation for operation, and, as PyTorch does, apply weight
/// decay to biases as well as weights.
public enum Optimizer: Sendable, Equatable {
    case sgd(SGD)
    case adam(Adam)

    public var learningRate: Double {
        switch self {
        case .sgd(let sgd): return sgd.learningRate
        case .adam(let adam): return adam.learningRate
        }
    }

    /// The optimizer with rate η and, when given, momentum μ (SGD) or β₁
    /// (Adam): what a PyTorch scheduler writes into the optimizer's
    /// param_groups before a step. The state is unaffected.
    @inline(__always)
    public func with(learningRate: Double, momentum: Double? = nil) -> Optimizer {
        switch self {
        case .sgd(var sgd):
            sgd.learningRate = learningRate
            if let momentum { sgd.momentum = momentum }
            return .sgd(sgd)
        case .adam(var adam):
            adam.learningRate = learningRate
            if let momentum { adam.beta1 = momentum }
            return .adam(adam)
        }
    }

    /// Fresh state for `network`: step 0 and zeroed buffers.
    public func makeState(for network: Network) -> OptimizerState {
        switch self {
        case .sgd(let sgd): return OptimizerState(network: network, moments: sgd.momentum == 0 ? 0 : 1)
        case .adam: return OptimizerState(network: network, moments: 2)
        }
    }

    /// Applies one step with the batch gradients to `network`, advancing `state`.
    public func update(_ network: inout Network, gradients: [LayerParameters], state: inout OptimizerState) {
        precondition(gradients.count == network.layers.count,
                     "update needs one gradient per layer: \(network.layers.count), got \(gradients.count)")
        state.step += 1
        var corrections: Adam.Corrections?
        if case .adam(let adam) = self { corrections = adam.corrections(step: state.step) }
        for l in network.layers.indices {
            let g = gradients[l]
            step(&network.layers[l].weights.elements, gradient: g.weights.elements,
                 state: &state, layer: l, bias: false, corrections: corrections)
            if network.layers[l].biases != nil, let gb = g.biases {
                step(&network.layers[l].biases!, gradient: gb, state: &state, layer: l, bias: true, corrections: corrections)
            }
        }
    }

    private func step(_ p: inout [Double], gradient g: [Double], state: inout OptimizerState, layer: Int, bias: Bool,
                      corrections: Adam.Corrections?) {
        precondition(p.count == g.count, "a parameter of \(p.count) values got a gradient of \(g.count)")
        switch self {
        case .sgd(let sgd):
            if state.first.isEmpty {
                var none: [Double] = []
                sgd.step(&p, gradient: g, buffer: &none, isFirstStep: state.step == 1)
            } else if bias {
                sgd.step(&p, gradient: g, buffer: &state.first[layer].biases!, isFirstStep: state.step == 1)
            } else {
                sgd.step(&p, gradient: g, buffer: &state.first[layer].weights.elements, isFirstStep: state.step == 1)
            }
        case .adam(let adam):
            let corrections = corrections ?? adam.corrections(step: state.step)
            if bias {
                adam.step(&p, gradient: g, m: &state.first[layer].biases!, v: &state.second[layer].biases!, corrections: corrections)
            } else {
                adam.step(&p, gradient: g, m: &state.first[layer].weights.elements,
                          v: &state.second[layer].weights.elements, corrections: corrections)
            }
        }
    }
}

/// What an optimizer keeps between steps: the number of steps taken and up to
/// two buffers shaped like the parameters (SGD with momentum: the momentum
/// buffer b in `first`; Adam: m in `first`, v in `second`).
public struct OptimizerState: Sendable, Equatable {
    /// Steps taken so far, t.
    public internal(set) var step: Int
    /// Momentum buffer b, or Adam's first moment m; empty for plain SGD.
    public internal(set) var first: [LayerParameters]
    /// Adam's second moment v; empty otherwise.
    public internal(set) var second: [LayerParameters]

    init(network: Network, moments: Int) {
        step = 0
        let zeros = network.layers.map(LayerParameters.init(zerosLike:))
        first = moments >= 1 ? zeros : []
        second = moments >= 2 ? zeros : []
    }
}
