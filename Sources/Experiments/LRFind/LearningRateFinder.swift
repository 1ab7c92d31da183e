import Foundation
import NeuralNetwork

/// The learning-rate range test (Smith, "Cyclical Learning Rates", 2015; fastai's
/// `lr_find`): from the run's initial weights, one mini-batch per step through
/// the run's `BatchSchedule` (epochs repeat as needed), at a rate rising
/// geometrically from `start` to `end`:
///
///     ηᵢ = start · (end / start)^(i / (steps − 1)),      i = 0 … steps − 1
///     Lᵢ = the batch loss of step i, before its update (at ηᵢ)
///     aᵢ = β aᵢ₋₁ + (1 − β) Lᵢ,  a₋₁ = 0,  β = 0.98
///     Sᵢ = aᵢ / (1 − β^(i+1))                            (the debiased moving average)
///
/// It stops after the first step whose Sᵢ is not finite or exceeds 4 × min Sⱼ
/// (j ≤ i); that step is recorded. The optimizer is the run's, its schedule
/// ignored: the range test is the schedule. Suggestions, as fastai's
/// `lr_find` makes them: over the recorded steps without the first
/// ⌊steps / 10⌋ and the last 5 (all of them when that leaves fewer than 2),
/// up to the first whose Sᵢ is not finite:
///
///     steepest = ηₖ, k = argminᵢ (Sᵢ₊₁ − Sᵢ) / (ln ηᵢ₊₁ − ln ηᵢ)   (fastai's "steep")
///     minimum  = η at argmin Sᵢ, divided by 10                     (fastai's "minimum")
///
/// Deterministic: the run's generator, as the trainer's.
public enum LearningRateFinder {
    public struct Settings: Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var steps: Int

        public static let beta = 0.98
        public static let divergenceFactor = 4.0

        public init(start: Double = 1e-7, end: Double = 10, steps: Int = 100) {
            self.start = start
            self.end = end
            self.steps = steps
        }

        /// ηᵢ.
        public func learningRate(_ i: Int) -> Double {
            start * pow(end / start, Double(i) / Double(steps - 1))
        }
    }

    /// One recorded step.
    public struct Step: Sendable, Equatable {
        /// i, from 0.
        public var step: Int
        public var learningRate: Double
        public var loss: Double
        public var smoothedLoss: Double
    }

    public struct Result: Sendable {
        public var settings: Settings
        public var steps: [Step]
        /// Stopped before `settings.steps` steps: the smoothed loss diverged.
        public var stoppedEarly: Bool
        /// The rate of steepest descent of the smoothed loss; nil with fewer than two finite points.
        public var steepest: Double?
        /// The rate at the smoothed loss's minimum, divided by 10.
        public var minimumOverTen: Double?
    }

    public static func run(_ run: RunConfig, data: PreparedData, settings: Settings) -> Result {
        precondition(settings.steps >= 2 && settings.start > 0 && settings.end > settings.start,
                     "lr-find needs at least 2 steps and 0 < start < end: \(settings)")
        var generator = Generator(seed: run.seed)
        var network = run.initialNetwork(&generator)
        var plan = BatchSchedule(run: run, samples: data.trainingInputs.rows)
        var state = plan.baseOptimizer.makeState(for: network)
        var steps: [Step] = []
        var average = 0.0, best = Double.infinity
        var stoppedEarly = false
        guard plan.samples > 0 else { return Result(settings: settings, steps: [], stoppedEarly: false) }
        plan.beginEpoch(&generator)
        for i in 0 ..< settings.steps {
            guard let batch = plan.nextBatch() ?? { plan.beginEpoch(&generator); return plan.nextBatch() }() else { break }
            let rows = Array(plan.order[batch])
            let x = Matrix(rows.map { data.trainingInputs.row($0) })
            let y = Matrix(rows.map { data.trainingTargets.row($0) })
            var workspace = Workspace(network: network, batchSize: rows.count)
            network.forward(x, in: &workspace)
            let loss = network.backward(targets: y, loss: run.loss, in: &workspace)
            let rate = settings.learningRate(i)
            plan.baseOptimizer.with(learningRate: rate).update(&network, gradients: workspace.gradients, state: &state)
            plan.finishStep()
            average = Settings.beta * average + (1 - Settings.beta) * loss
            let smoothed = average / (1 - pow(Settings.beta, Double(i + 1)))
            steps.append(Step(step: i, learningRate: rate, loss: loss, smoothedLoss: smoothed))
            if smoothed < best { best = smoothed }
            if !smoothed.isFinite || smoothed > Settings.divergenceFactor * best {
                stoppedEarly = i < settings.steps - 1
                break
            }
        }
        let (steepest, minimum) = suggestions(steps, skipping: settings.steps / 10)
        return Result(settings: settings, steps: steps, stoppedEarly: stoppedEarly, steepest: steepest, minimumOverTen: minimum)
    }

    /// The two suggestions of the type's documentation.
    static func suggestions(_ steps: [Step], skipping first: Int) -> (steepest: Double?, minimumOverTen: Double?) {
        var kept = steps.count - first - 5 >= 2 ? Array(steps[first ..< steps.count - 5]) : steps
        if let end = kept.firstIndex(where: { !$0.smoothedLoss.isFinite }) { kept = Array(kept[..<end]) }
        let finite = kept
        var minimum: Step?
        for step in finite where step.smoothedLoss < minimum?.smoothedLoss ?? .infinity { minimum = step }
        var steepest: (rate: Double, slope: Double)?
        for (a, b) in zip(finite, finite.dropFirst()) {
            let slope = (b.smoothedLoss - a.smoothedLoss) / (log(b.learningRate) - log(a.learningRate))
            if slope < steepest?.slope ?? .infinity { steepest = (a.learningRate, slope) }
        }
        return (steepest?.rate, minimum.map { $0.learningRate / 10 })
    }
}
