import NeuralNetwork

/// The schedules of `optimizer.schedule` (PyTorch's names in snake_case) and the keys each takes besides
/// `name`, `warmup` and `interval`.
let scheduleKeys: [(String, [String])] = [
    ("step", ["step_size", "gamma"]),
    ("multistep", ["milestones", "gamma"]),
    ("exponential", ["gamma"]),
    ("cosine", ["t_max", "eta_min"]),
    ("linear", ["start_factor", "end_factor", "total_iters"]),
    ("one_cycle", ["max_lr", "pct_start", "anneal_strategy", "div_factor", "final_div_factor", "three_phase",
                   "cycle_momentum", "base_momentum", "max_momentum"]),
    ("reduce_on_plateau", ["factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps"]),
]

/// Every key a `schedule` object may have, for sweep paths.
let allScheduleKeys: [String] = {
    var keys = ["name", "warmup", "interval"]
    for (_, own) in scheduleKeys {
        for key in own where !keys.contains(key) { keys.append(key) }
    }
    return keys
}()

let warmupKeys = ["epochs", "start_factor"]

/// Reads and checks `optimizer.schedule`: a schedule by `name` with its
/// arguments (PyTorch's defaults), an optional `warmup` and `interval`; or a
/// `warmup` alone (warm-up, then the constant rate).
func readSchedule(_ node: JSONNode, path: String, sink: DiagnosticSink) -> ScheduleSettings? {
    guard var reader = ObjectReader(node, path: path, sink: sink) else { return nil }
    var ok = true
    var name: String? = "constant"
    if reader.has("name") || !reader.has("warmup") {
        name = reader.choice("name", kind: "schedule", scheduleKeys.map { ($0.0, $0.0) }, required: true)
    }
    // With an unknown name, no key is reported as foreign: the name is the mistake.
    let own = name.map { name in scheduleKeys.first { $0.0 == name }?.1 ?? [] } ?? allScheduleKeys
    var explanations: [String: String] = [:]
    for key in allScheduleKeys where !own.contains(key) && !["name", "warmup", "interval"].contains(key) {
        let takers = scheduleKeys.filter { $0.1.contains(key) }.map(\.0)
        let shown = name == "constant" ? "a warm-up alone" : name ?? ""
        explanations[key] = "\(shown) takes no \"\(key)\" (\(nameList(takers)) \(takers.count == 1 ? "does" : "do"))"
    }

    var schedule: LearningRateSchedule?
    switch name {
    case "constant":
        schedule = .constant
    case "step":
        let stepSize = reader.integer("step_size", minimum: 1, maximum: maximumEpochs, required: true)
        let gamma = reader.number("gamma", .positive, default: 0.1)
        if let stepSize, let gamma { schedule = .step(stepSize: stepSize, gamma: gamma) }
    case "multistep":
        let milestones = readMilestones(&reader)
        let gamma = reader.number("gamma", .positive, default: 0.1)
        if let milestones, let gamma { schedule = .multiStep(milestones: milestones, gamma: gamma) }
    case "exponential":
        if let gamma = reader.number("gamma", .positive, required: true) { schedule = .exponential(gamma: gamma) }
    case "cosine":
        let tMax = reader.integer("t_max", minimum: 1, maximum: maximumEpochs, required: true)
        let etaMin = reader.number("eta_min", .nonNegative, default: 0)
        if let tMax, let etaMin { schedule = .cosine(tMax: tMax, etaMin: etaMin) }
    case "linear":
        let start = fraction(&reader, "start_factor", default: 1.0 / 3, zeroAllowed: false)
        let end = fraction(&reader, "end_factor", default: 1, zeroAllowed: true)
        let total = reader.integer("total_iters", minimum: 1, maximum: maximumEpochs, default: 5)
        if let start, let end, let total { schedule = .linear(startFactor: start, endFactor: end, totalIters: total) }
    case "one_cycle":
        let maxLR = reader.number("max_lr", .positive, required: true)
        let pctStart = fraction(&reader, "pct_start", default: 0.3, zeroAllowed: true)
        let cosine = reader.choice("anneal_strategy", kind: "anneal strategy", [("cos", true), ("linear", false)], default: true)
        let divFactor = reader.number("div_factor", .positive, default: 25)
        let finalDivFactor = reader.number("final_div_factor", .positive, default: 1e4)
        let threePhase = reader.bool("three_phase", default: false)
        let cycleMomentum = reader.bool("cycle_momentum", default: true)
        let baseMomentum = reader.number("base_momentum", .fractionBelowOne, default: 0.85)
        let maxMomentum = reader.number("max_momentum", .fractionBelowOne, default: 0.95)
        if let maxLR, let pctStart, let cosine, let divFactor, let finalDivFactor, let threePhase, let cycleMomentum,
           let baseMomentum, let maxMomentum {
            schedule = .oneCycle(.init(maxLearningRate: maxLR, pctStart: pctStart, cosineAnnealing: cosine, divFactor: divFactor,
                                       finalDivFactor: finalDivFactor, threePhase: threePhase, cycleMomentum: cycleMomentum,
                                       baseMomentum: baseMomentum, maxMomentum: maxMomentum))
        }
    case "reduce_on_plateau":
        let factor = reader.number("factor", .fractionBelowOne, default: 0.1)
        let patience = reader.integer("patience", minimum: 0, maximum: maximumEpochs, default: 10)
        let threshold = reader.number("threshold", .nonNegative, default: 1e-4)
        let relative = reader.choice("threshold_mode", kind: "threshold mode", [("rel", true), ("abs", false)], default: true)
        let cooldown = reader.integer("cooldown", minimum: 0, maximum: maximumEpochs, default: 0)
        let minLR = reader.number("min_lr", .nonNegative, default: 0)
        let eps = reader.number("eps", .nonNegative, default: 1e-8)
        if let factor, let patience, let threshold, let relative, let cooldown, let minLR, let eps {
            schedule = .reduceOnPlateau(.init(factor: factor, patience: patience, threshold: threshold, relativeThreshold: relative,
                                              cooldown: cooldown, minLearningRate: minLR, eps: eps))
        }
    default:
        ok = false
    }

    var warmup: ScheduleSettings.Warmup?
    var warmupOK = true
    if let member = reader.member("warmup") {
        warmupOK = false
        let warmupPath = reader.childPath("warmup")
        if name == "one_cycle" || name == "reduce_on_plateau" {
            let reason = name == "one_cycle"
                ? "one_cycle warms up by itself (pct_start, div_factor); it takes no \"warmup\""
                : "reduce_on_plateau takes no \"warmup\" (PyTorch's SequentialLR cannot hold it)"
            sink.error(at: member.keyLocation, warmupPath, reason)
        } else if var object = ObjectReader(member.value, path: warmupPath, sink: sink) {
            let epochs = object.integer("epochs", minimum: 1, maximum: maximumEpochs, required: true)
            let start = fraction(&object, "start_factor", default: 1.0 / 3, zeroAllowed: false)
            object.finish(allowed: warmupKeys)
            if let epochs, let start {
                warmup = .init(epochs: epochs, startFactor: start)
                warmupOK = true
            }
        }
    }
    let defaultInterval: ScheduleSettings.Interval = name == "one_cycle" ? .step : .epoch
    var interval = reader.choice("interval", kind: "interval", [("epoch", ScheduleSettings.Interval.epoch), ("step", .step)],
                                 default: defaultInterval)
    if interval == .step && name == "reduce_on_plateau", let member = node.member("interval") {
        sink.error(at: member.value.location, reader.childPath("interval"),
                   "reduce_on_plateau steps once per epoch, on the epoch's loss; expected \"epoch\", found \"step\"")
        interval = nil
    }
    if name == nil {
        for key in allScheduleKeys { _ = reader.member(key) }
    }
    reader.finish(allowed: ["name"] + own + ["warmup", "interval"], explanations: explanations)
    guard ok, warmupOK, let schedule, let interval else { return nil }
    return ScheduleSettings(schedule: schedule, warmup: warmup, interval: interval)
}

/// A number in (0, 1] (or [0, 1] when `zeroAllowed`); the default when absent.
private func fraction(_ reader: inout ObjectReader, _ key: String, default value: Double, zeroAllowed: Bool) -> Double? {
    guard let member = reader.member(key) else { return value }
    guard let x = member.value.value.doubleValue, x <= 1, zeroAllowed ? x >= 0 : x > 0 else {
        let expected = zeroAllowed ? "a number in [0, 1]" : "a number in (0, 1]"
        reader.sink.error(at: member.value.location, reader.childPath(key), "expected \(expected), found \(foundText(member.value))")
        return nil
    }
    return x
}

/// `milestones`: a non-empty, increasing list of epochs (or steps) ≥ 1.
private func readMilestones(_ reader: inout ObjectReader) -> [Int]? {
    guard let member = reader.member("milestones") else {
        reader.missing("milestones")
        return nil
    }
    let path = reader.childPath("milestones")
    guard let elements = member.value.value.elements, !elements.isEmpty else {
        reader.sink.error(at: member.value.location, path, "expected a non-empty list of increasing integers ≥ 1, found \(foundText(member.value))")
        return nil
    }
    var milestones: [Int] = []
    for (i, element) in elements.enumerated() {
        guard let n = checkInteger(element, "\(path)[\(i)]", minimum: 1, maximum: Int(Int32.max), reader.sink) else { return nil }
        if let last = milestones.last, n <= last {
            reader.sink.error(at: element.location, "\(path)[\(i)]", "milestones must increase; expected an integer > \(last), found \(n)")
            return nil
        }
        milestones.append(n)
    }
    return milestones
}
