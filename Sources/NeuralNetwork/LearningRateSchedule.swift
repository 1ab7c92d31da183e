import Foundation

/// A learning-rate schedule, as `torch.optim.lr_scheduler` defines it: the
/// rate ηₜ after t calls of `scheduler.step()`, from the optimizer's rate η.
///
/// Each schedule computes what PyTorch's `get_lr()` computes, in PyTorch's
/// (recursive, "chainable") form and in its order of operations, so that the
/// rates are PyTorch's `get_last_lr()` to the bit where the platform's `cos`
/// and `pow` are the C library's, as Python's are:
///
///     step          ηₜ = ηₜ₋₁ · γ when t mod step_size = 0, else ηₜ₋₁                  (StepLR)
///     multistep     ηₜ = ηₜ₋₁ · γᵏ, k = how often t is among the milestones            (MultiStepLR)
///     exponential   ηₜ = ηₜ₋₁ · γ                                                      (ExponentialLR)
///     cosine        ηₜ = (1 + cos(πt/T)) / (1 + cos(π(t−1)/T)) · (ηₜ₋₁ − η_min) + η_min,
///                   and ηₜ₋₁ + (η − η_min)(1 − cos(π/T))/2 where (t − 1 − T) mod 2T = 0:
///                   periodic past T, as PyTorch's                                       (CosineAnnealingLR)
///     linear        η₀ = η · s;  ηₜ = ηₜ₋₁ · (1 + (e − s) / (n s + (t − 1)(e − s))) for t ≤ n  (LinearLR)
///     one_cycle     ηₜ = anneal(phase start, phase end, pct), PyTorch's phases (OneCycleLR)
///     reduce_on_plateau  η ← max(η · factor, min_lr) after more than `patience` epochs
///                   without improvement (ReduceLROnPlateau, mode "min")
///
/// Not promised: PyTorch's exceptions. Where PyTorch raises (a one-cycle
/// phase of zero length divides 0 by 0), the phase's end value is used.
public enum LearningRateSchedule: Sendable, Equatable {
    /// η throughout (after the warm-up, if any).
    case constant
    case step(stepSize: Int, gamma: Double)
    case multiStep(milestones: [Int], gamma: Double)
    case exponential(gamma: Double)
    case cosine(tMax: Int, etaMin: Double)
    case linear(startFactor: Double, endFactor: Double, totalIters: Int)
    case oneCycle(OneCycle)
    case reduceOnPlateau(Plateau)

    /// OneCycleLR's settings. The rate starts at max_lr / div_factor (the
    /// optimizer's own rate is not used, as in PyTorch), rises to max_lr over
    /// pct_start of the steps and falls to max_lr / (div_factor · final_div_factor).
    public struct OneCycle: Sendable, Equatable {
        public var maxLearningRate: Double
        public var pctStart: Double
        /// "cos" (true) or "linear".
        public var cosineAnnealing: Bool
        public var divFactor: Double
        public var finalDivFactor: Double
        public var threePhase: Bool
        /// Cycle the momentum (SGD) or β₁ (Adam) inversely to the rate, between these.
        public var cycleMomentum: Bool
        public var baseMomentum: Double
        public var maxMomentum: Double

        public init(maxLearningRate: Double, pctStart: Double = 0.3, cosineAnnealing: Bool = true, divFactor: Double = 25,
                    finalDivFactor: Double = 1e4, threePhase: Bool = false, cycleMomentum: Bool = true,
                    baseMomentum: Double = 0.85, maxMomentum: Double = 0.95) {
            self.maxLearningRate = maxLearningRate
            self.pctStart = pctStart
            self.cosineAnnealing = cosineAnnealing
            self.divFactor = divFactor
            self.finalDivFactor = finalDivFactor
            self.threePhase = threePhase
            self.cycleMomentum = cycleMomentum
            self.baseMomentum = baseMomentum
            self.maxMomentum = maxMomentum
        }
    }

    /// ReduceLROnPlateau's settings (mode "min": a loss).
    public struct Plateau: Sendable, Equatable {
        public var factor: Double
        public var patience: Int
        public var threshold: Double
        /// threshold_mode "rel" (true) or "abs".
        public var relativeThreshold: Bool
        public var cooldown: Int
        public var minLearningRate: Double
        public var eps: Double

        public init(factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4, relativeThreshold: Bool = true,
                    cooldown: Int = 0, minLearningRate: Double = 0, eps: Double = 1e-8) {
            self.factor = factor
            self.patience = patience
            self.threshold = threshold
            self.relativeThreshold = relativeThreshold
            self.cooldown = cooldown
            self.minLearningRate = minLearningRate
            self.eps = eps
        }
    }
}

/// A schedule with its warm-up and the interval it steps at: `optimizer.schedule`.
///
/// Warm-up over W schedule steps from factor f (W = the warm-up's epochs, or
/// epochs × steps per epoch with interval "step"):
///
///     ηₜ = LinearLR(start_factor f, end_factor 1, total_iters W) for t < W,
///     ηₜ = schedule(t − W) for t ≥ W (the schedule counting from 0, starting at η),
///
/// which is PyTorch's `SequentialLR([LinearLR(...), schedule], milestones=[W])`,
/// bit for bit: η₀ = f·η, ηₜ = ηₜ₋₁ (1 + (1 − f) / (W f + (t − 1)(1 − f))),
/// then the schedule's closed form at 0 (η; cosine: η_min + (η − η_min)).
public struct ScheduleSettings: Sendable, Equatable {
    public enum Interval: String, Sendable, Equatable {
        /// scheduler.step() after every epoch.
        case epoch
        /// scheduler.step() after every optimizer step.
        case step
    }

    public struct Warmup: Sendable, Equatable {
        public var epochs: Int
        public var startFactor: Double

        public init(epochs: Int, startFactor: Double = 1.0 / 3) {
            self.epochs = epochs
            self.startFactor = startFactor
        }
    }

    public var schedule: LearningRateSchedule
    public var warmup: Warmup?
    public var interval: Interval

    public init(schedule: LearningRateSchedule, warmup: Warmup? = nil, interval: Interval = .epoch) {
        self.schedule = schedule
        self.warmup = warmup
        self.interval = interval
    }

    /// Whether stepping needs the epoch's loss (reduce_on_plateau).
    public var needsLoss: Bool {
        if case .reduceOnPlateau = schedule { return true }
        return false
    }
}

/// The running state of a schedule, as a PyTorch scheduler object keeps it:
/// the current rate (and cycled momentum or β₁), the count of `step()` calls.
/// Created before the first optimizer step (PyTorch's constructor, with its
/// initial step); `step` is one call of `scheduler.step()`.
public struct LearningRateScheduler: Sendable, Equatable {
    public let settings: ScheduleSettings
    /// η, the optimizer's rate (PyTorch's base_lr / initial_lr).
    public let baseRate: Double
    /// The rate of the next optimizer step.
    public private(set) var learningRate: Double
    /// The momentum (SGD) or β₁ (Adam) of the next step, when one_cycle cycles it.
    public private(set) var momentum: Double?
    /// Calls of `step()` so far.
    public private(set) var steps = 0
    /// The warm-up's length W in scheduler steps (0 without warm-up).
    let warmupSteps: Int
    /// one_cycle's total steps.
    let totalSteps: Int
    /// The main schedule's own count (PyTorch's last_epoch), from 0 when it starts.
    private var count = 0
    // ReduceLROnPlateau's state.
    private var best = Double.infinity
    private var badEpochs = 0
    private var cooldownCounter = 0

    /// The state before the first optimizer step. `stepsPerEpoch` converts
    /// the warm-up's epochs into steps for interval "step"; `totalSteps` is
    /// one_cycle's count of scheduler steps (the run's steps, or its epochs
    /// with interval "epoch").
    public init(_ settings: ScheduleSettings, baseRate: Double, stepsPerEpoch: Int, totalSteps: Int) {
        self.settings = settings
        self.baseRate = baseRate
        self.totalSteps = totalSteps
        let perEpoch = settings.interval == .step ? stepsPerEpoch : 1
        warmupSteps = (settings.warmup?.epochs ?? 0) * perEpoch
        learningRate = baseRate
        if let warmup = settings.warmup, warmupSteps > 0 {
            learningRate = baseRate * warmup.startFactor
        } else {
            startMainSchedule(afterWarmup: false)
        }
    }

    /// One `scheduler.step()`; `loss` is the metric reduce_on_plateau watches.
    public mutating func step(loss: Double = .nan) {
        steps += 1
        if steps < warmupSteps, let warmup = settings.warmup {
            // LinearLR's chainable form with end_factor 1.
            let f = warmup.startFactor
            learningRate = learningRate * (1.0 + (1.0 - f) / (Double(warmupSteps) * f + Double(steps - 1) * (1.0 - f)))
            return
        }
        if steps == warmupSteps {
            startMainSchedule(afterWarmup: true)
            return
        }
        count += 1
        let t = count
        switch settings.schedule {
        case .constant:
            break
        case .step(let stepSize, let gamma):
            if t % stepSize == 0 { learningRate = learningRate * gamma }
        case .multiStep(let milestones, let gamma):
            let k = milestones.reduce(0) { $0 + ($1 == t ? 1 : 0) }
            if k > 0 { learningRate = learningRate * pow(gamma, Double(k)) }
        case .exponential(let gamma):
            learningRate = learningRate * gamma
        case .cosine(let tMax, let etaMin):
            let T = Double(tMax)
            let m = 2 * tMax
            if ((t - 1 - tMax) % m + m) % m == 0 {
                learningRate = learningRate + (baseRate - etaMin) * (1 - cos(Double.pi / T)) / 2
            } else {
                learningRate = (1 + cos(Double.pi * Double(t) / T)) / (1 + cos(Double.pi * Double(t - 1) / T))
                    * (learningRate - etaMin) + etaMin
            }
        case .linear(let s, let e, let n):
            if t <= n {
                learningRate = learningRate * (1.0 + (e - s) / (Double(n) * s + Double(t - 1) * (e - s)))
            }
        case .oneCycle(let cycle):
            setOneCycle(cycle, step: t)
        case .reduceOnPlateau(let plateau):
            let isBetter = plateau.relativeThreshold ? loss < best * (1.0 - plateau.threshold) : loss < best - plateau.threshold
            if isBetter {
                best = loss
                badEpochs = 0
            } else {
                badEpochs += 1
            }
            if cooldownCounter > 0 {
                cooldownCounter -= 1
                badEpochs = 0
            }
            if badEpochs > plateau.patience {
                let reduced = max(learningRate * plateau.factor, plateau.minLearningRate)
                if learningRate - reduced > plateau.eps { learningRate = reduced }
                cooldownCounter = plateau.cooldown
                badEpochs = 0
            }
        }
    }

    /// The main schedule at its count 0: PyTorch's initial step, or after a
    /// warm-up SequentialLR's `_update_lr(0)` (the closed form at 0 where the
    /// schedule has one).
    private mutating func startMainSchedule(afterWarmup: Bool) {
        count = 0
        learningRate = baseRate
        switch settings.schedule {
        case .constant, .step, .exponential, .reduceOnPlateau:
            break
        case .multiStep(let milestones, let gamma):
            let k = milestones.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
            if k > 0 { learningRate = learningRate * pow(gamma, Double(k)) }
        case .cosine(let tMax, let etaMin):
            if afterWarmup {
                learningRate = etaMin + (baseRate - etaMin) * (1 + cos(Double.pi * 0 / Double(tMax))) / 2
            }
        case .linear(let s, _, _):
            learningRate = baseRate * s
        case .oneCycle(let cycle):
            setOneCycle(cycle, step: 0)
        }
    }

    /// OneCycleLR's `get_lr()` at `step`: the phase holding it, annealed.
    /// A phase is (end step, start lr, end lr, start momentum, end momentum).
    private mutating func setOneCycle(_ cycle: LearningRateSchedule.OneCycle, step: Int) {
        let total = Double(totalSteps)
        let peak = cycle.maxLearningRate
        let initial = peak / cycle.divFactor
        let minimum = initial / cycle.finalDivFactor
        let (high, low) = (cycle.maxMomentum, cycle.baseMomentum)
        let first = (cycle.pctStart * total - 1, initial, peak, high, low)
        let second = (2 * cycle.pctStart * total - 2, peak, initial, low, high)
        let last = cycle.threePhase ? (total - 1, initial, minimum, high, high) : (total - 1, peak, minimum, low, high)
        let stepNumber = Double(step)
        var phase = first, start = 0.0
        if stepNumber > first.0 {
            start = first.0
            phase = last
            if cycle.threePhase && stepNumber <= second.0 {
                phase = second
            } else if cycle.threePhase {
                start = second.0
            }
        }
        let length = phase.0 - start
        let pct = length == 0 ? 1 : (stepNumber - start) / length
        learningRate = anneal(phase.1, phase.2, pct, cosine: cycle.cosineAnnealing)
        if cycle.cycleMomentum { momentum = anneal(phase.3, phase.4, pct, cosine: cycle.cosineAnnealing) }
    }

    /// OneCycleLR's `_annealing_cos` and `_annealing_linear`, from `start` at pct 0 to `end` at pct 1.
    private func anneal(_ start: Double, _ end: Double, _ pct: Double, cosine: Bool) -> Double {
        if cosine {
            let cosOut = cos(Double.pi * pct) + 1
            return end + (start - end) / 2.0 * cosOut
        }
        return (end - start) * pct + start
    }
}
