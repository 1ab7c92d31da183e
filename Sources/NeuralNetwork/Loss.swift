import Foundation

/// The loss C of one sample, comparing the network's output ŷ = aᴸ with the target y.
/// The loss of a batch is the mean of its samples' losses.
///
/// The two cross-entropies are computed from the output layer's logits zᴸ, so
/// they stay finite however saturated the output is, and their δᴸ = ∂C/∂zᴸ is
/// taken in the fused form (ŷ − y), which never divides by ŷ(1 − ŷ).
public enum Loss: String, CaseIterable, Sendable {
    /// C = (1/K) Σₖ (ŷₖ − yₖ)² over the K outputs (PyTorch's MSELoss); ∂C/∂ŷ = 2(ŷ − y)/K.
    case mse
    /// C = Σₖ (ŷₖ − yₖ)²; ∂C/∂ŷ = 2(ŷ − y).
    case squaredError = "squared_error"
    /// C = ½ Σₖ (ŷₖ − yₖ)² (Nielsen's convention); ∂C/∂ŷ = ŷ − y.
    case halfSquaredError = "half_squared_error"
    /// C = −(1/K) Σₖ [yₖ log ŷₖ + (1 − yₖ) log(1 − ŷₖ)] with ŷ = σ(z), evaluated as
    /// (1/K) Σₖ [max(zₖ, 0) − zₖyₖ + log(1 + e^−|zₖ|)] (PyTorch's BCEWithLogitsLoss);
    /// δ = ∂C/∂z = (ŷ − y)/K. Needs a sigmoid output layer.
    case binaryCrossEntropy = "binary_cross_entropy"
    /// C = −Σₖ yₖ log ŷₖ with ŷ = softmax(z), evaluated as PyTorch's log-softmax is,
    /// with the largest logit zₘ subtracted: (Σₖ yₖ)·log1p(Σₖ≠ₘ e^(zₖ − zₘ)) − Σₖ yₖ(zₖ − zₘ),
    /// so that a sample whose label has the largest logit loses no digits to
    /// the cancellation of zₘ (relative error a few ulps, also for logits near 500);
    /// δ = ∂C/∂z = ŷ·Σₖ yₖ − y, which is ŷ − y for a one-hot y. Needs a softmax output layer.
    case crossEntropy = "cross_entropy"

    /// The output activation the loss is defined with, or nil when any will do.
    public var requiredOutputActivation: Activation? {
        switch self {
        case .binaryCrossEntropy: return .sigmoid
        case .crossEntropy: return .softmax
        case .mse, .squaredError, .halfSquaredError: return nil
        }
    }

    /// Whether the loss may follow an output layer with this activation.
    public func accepts(outputActivation activation: Activation) -> Bool {
        requiredOutputActivation.map { $0 == activation } ?? true
    }

    /// The loss of every sample of the batch: one value per row.
    /// `logits` is zᴸ, `output` is aᴸ = f(zᴸ), `targets` holds y row by row.
    public func sampleLosses(logits z: Matrix, output a: Matrix, targets y: Matrix) -> [Double] {
        checkShapes(z, a, y)
        var losses = [Double](repeating: 0, count: y.rows)
        z.elements.withUnsafeBufferPointer { pz in
            a.elements.withUnsafeBufferPointer { pa in
                y.elements.withUnsafeBufferPointer { py in
                    for row in 0 ..< y.rows { losses[row] = sampleLoss(row: row, columns: y.columns, pz, pa, py) }
                }
            }
        }
        return losses
    }

    /// The loss of the batch: the mean of `sampleLosses`, summed in row order.
    /// Allocates nothing.
    public func value(logits z: Matrix, output a: Matrix, targets y: Matrix) -> Double {
        checkShapes(z, a, y)
        var total = 0.0
        z.elements.withUnsafeBufferPointer { pz in
            a.elements.withUnsafeBufferPointer { pa in
                y.elements.withUnsafeBufferPointer { py in
                    for row in 0 ..< y.rows { total += sampleLoss(row: row, columns: y.columns, pz, pa, py) }
                }
            }
        }
        return total / Double(y.rows)
    }

    /// The cross-entropy of the batch given each row's softmax normalizer
    /// without its largest term, Σₖ≠ₘ e^(zₖ − max z), as the softmax output
    /// layer computed it: the same value, bit for bit, as `value` (which
    /// recomputes the exponentials).
    static func crossEntropy(logits z: Matrix, softmaxSums sums: [Double], targets y: Matrix) -> Double {
        precondition(z.rows == y.rows && z.columns == y.columns && sums.count == y.rows,
                     "cross-entropy needs logits and targets of one shape and a sum per row; got \(z.rows)×\(z.columns), \(y.rows)×\(y.columns), \(sums.count) sums")
        let k = y.columns
        var total = 0.0
        z.elements.withUnsafeBufferPointer { z in
            y.elements.withUnsafeBufferPointer { y in
                sums.withUnsafeBufferPointer { sums in
                    for row in 0 ..< y.count / max(k, 1) {
                        let start = row * k
                        var largest = -Double.infinity
                        for j in start ..< start + k where z[j] > largest { largest = z[j] }
                        var targetMass = 0.0, weightedLogits = 0.0
                        for j in start ..< start + k {
                            targetMass += y[j]
                            weightedLogits += y[j] * (z[j] - largest)
                        }
                        total += targetMass * log1p(sums[row]) - weightedLogits
                    }
                }
            }
        }
        return total / Double(y.rows)
    }

    private func checkShapes(_ z: Matrix, _ a: Matrix, _ y: Matrix) {
        precondition(z.rows == y.rows && z.columns == y.columns && a.rows == y.rows && a.columns == y.columns,
                     "loss needs logits, output and targets of one shape; got \(z.rows)×\(z.columns), \(a.rows)×\(a.columns), \(y.rows)×\(y.columns)")
    }

    /// Cₙ of the sample in `row`, from its k logits, outputs and targets.
    @inline(__always)
    private func sampleLoss(row: Int, columns k: Int, _ z: UnsafeBufferPointer<Double>, _ a: UnsafeBufferPointer<Double>,
                            _ y: UnsafeBufferPointer<Double>) -> Double {
        let start = row * k
        var sum = 0.0
        switch self {
        case .mse, .squaredError, .halfSquaredError:
            for j in start ..< start + k {
                let e = a[j] - y[j]
                sum += e * e
            }
            switch self {
            case .mse: return sum / Double(k)
            case .halfSquaredError: return 0.5 * sum
            default: return sum
            }
        case .binaryCrossEntropy:
            for j in start ..< start + k {
                let zj = z[j]
                sum += max(zj, 0) - zj * y[j] + log1p(exp(-abs(zj)))
            }
            return sum / Double(k)
        case .crossEntropy:
            var largest = -Double.infinity
            for j in start ..< start + k where z[j] > largest { largest = z[j] }
            var m = start
            for j in start ..< start + k where z[j] > z[m] { m = j }
            var rest = 0.0, targetMass = 0.0, weightedLogits = 0.0
            for j in start ..< start + k {
                if j != m { rest += exponential(z[j] - largest) }  // as the softmax layer does
                targetMass += y[j]
                weightedLogits += y[j] * (z[j] - largest)
            }
            return targetMass * log1p(rest) - weightedLogits
        }
    }

    /// δᴸ = ∂Cₙ/∂zᴸ for every sample n, each of its own loss (not yet divided by
    /// the batch size), written into `delta`. For the squared errors this is
    /// ∂C/∂ŷ passed back through `activation`; for the cross-entropies the fused form.
    public func outputDelta(logits z: Matrix, output a: Matrix, targets y: Matrix,
                            activation: Activation, into delta: inout Matrix) {
        precondition(accepts(outputActivation: activation),
                     "\(rawValue) needs a \(requiredOutputActivation?.rawValue ?? "") output layer, got \(activation.rawValue)")
        precondition(delta.rows == y.rows && delta.columns == y.columns && a.rows == y.rows && a.columns == y.columns,
                     "outputDelta needs output, targets and delta of one shape; got \(a.rows)×\(a.columns), \(y.rows)×\(y.columns), \(delta.rows)×\(delta.columns)")
        let k = y.columns
        a.elements.withUnsafeBufferPointer { pa in
            y.elements.withUnsafeBufferPointer { py in
                delta.elements.withUnsafeMutableBufferPointer { pd in
                    switch self {
                    case .mse, .squaredError, .halfSquaredError:
                        let scale = self == .mse ? 2 / Double(k) : self == .squaredError ? 2 : 1
                        for i in pd.indices { pd[i] = scale * (pa[i] - py[i]) }
                    case .binaryCrossEntropy:
                        let scale = 1 / Double(k)
                        for i in pd.indices { pd[i] = scale * (pa[i] - py[i]) }
                    case .crossEntropy:
                        for row in 0 ..< y.rows {
                            let start = row * k
                            var targetMass = 0.0
                            for j in start ..< start + k { targetMass += py[j] }
                            for j in start ..< start + k { pd[j] = pa[j] * targetMass - py[j] }
                        }
                    }
                }
            }
        }
        switch self {
        case .mse, .squaredError, .halfSquaredError:
            activation.backpropagate(z: z, a: a, gradient: &delta)
        case .binaryCrossEntropy, .crossEntropy:
            break
        }
    }
}
