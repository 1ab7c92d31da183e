import NeuralNetwork

/// A run's network as it was after one epoch (epoch 0: the initial weights),
/// recorded by the trainer for the report's frames of training.
public struct NetworkSnapshot: Sendable, Equatable {
    public var epoch: Int
    public var network: Network

    public init(epoch: Int, network: Network) {
        self.epoch = epoch
        self.network = network
    }
}

/// The epochs at which training is recorded for the report's frames: 0 and
/// every d·10ᵏ with d ∈ {1, 2, 5} (1, 2, 5, 10, 20, 50, 100, …) up to the run's
/// epochs, then the last epoch the run trained (`Trainer` adds it). A run of E
/// epochs thus has at most 3·⌈log₁₀(E + 1)⌉ + 2 frames (18 for 120,000 epochs).
///
/// Only runs whose pictures exist record them: classification with 2 inputs
/// (`records`); every other run stays allocation-free.
public enum FrameEpochs {
    /// Whether `epoch` is 0 or d·10ᵏ with d ∈ {1, 2, 5}.
    public static func isFrame(_ epoch: Int) -> Bool {
        guard epoch > 0 else { return epoch == 0 }
        var m = epoch
        while m % 10 == 0 { m /= 10 }
        return m == 1 || m == 2 || m == 5
    }

    /// The frame epochs from 0 up to `epochs`, in order (the last epoch itself not added).
    public static func epochs(upTo epochs: Int) -> [Int] {
        var result = [0]
        var power = 1
        while power <= epochs {
            for d in [1, 2, 5] where d * power <= epochs { result.append(d * power) }
            guard power <= epochs / 10 else { break }
            power *= 10
        }
        return result
    }

    /// The most frames a run of `epochs` epochs records.
    public static func bound(epochs: Int) -> Int {
        // The powers of ten up to `epochs`, ⌈log₁₀(E + 1)⌉, each with up to 3 frames; epoch 0 and the last.
        var powers = 0, power = 1
        while power <= epochs {
            powers += 1
            guard power <= epochs / 10 else { break }
            power *= 10
        }
        return 3 * powers + 2
    }

    /// Whether a run's training is recorded: classification data with 2 inputs.
    static func records(_ data: PreparedData) -> Bool {
        data.isClassification && data.trainingInputs.columns == 2
    }
}
