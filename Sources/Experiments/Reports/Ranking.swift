/// What the report's ★ ranks grid points by (SPEC §7, `report.rank_by`): a
/// statistic of each grid point, lowest first for losses, highest first for
/// accuracies; or nothing, with the reason.
///
/// Without `rank_by`: the final validation loss (the training loss without
/// validation data); when the loss is swept — comparing different loss
/// functions is meaningless — the validation accuracy (the training accuracy
/// without validation data) of a classification, and for a regression nothing.
public struct Ranking: Sendable, Equatable {
    /// The metric ranked by; nil when nothing is ranked.
    public var metric: RankMetric?
    /// Why nothing is ranked, or why the default was not a loss.
    public var note: String?

    public init(metric: RankMetric?, note: String?) {
        self.metric = metric
        self.note = note
    }

    /// The ranking of an experiment's results: its `rank_by`, or the default.
    public init(_ results: ResultsFolder) {
        let hasValidation = !results.runs.isEmpty && results.runs.allSatisfy { $0.validationLoss != nil }
        let hasAccuracy = results.runs.contains { $0.trainAccuracy != nil }
        if let asked = results.rankBy {
            if asked.needsValidation && !hasValidation {
                self.init(metric: nil, note: "Nothing is ranked: report.rank_by is \(asked.rawValue), but the runs have no validation data.")
            } else if asked.isAccuracy && !hasAccuracy {
                self.init(metric: nil, note: "Nothing is ranked: report.rank_by is \(asked.rawValue), but a regression has no accuracy.")
            } else {
                self.init(metric: asked, note: nil)
            }
        } else if results.lossSwept {
            if hasAccuracy {
                self.init(metric: hasValidation ? .validationAccuracy : .trainAccuracy,
                          note: "The loss is swept, and losses of different functions cannot be compared: ranked by \(hasValidation ? "validation" : "training") accuracy.")
            } else {
                self.init(metric: nil, note: "Nothing is ranked: the loss is swept, losses of different functions cannot be compared, and a regression has no accuracy.")
            }
        } else {
            self.init(metric: hasValidation ? .validationLoss : .trainLoss, note: nil)
        }
    }

    /// A grid point's value of the metric (nil when unranked or missing).
    public func value(_ point: GridPoint) -> Double? {
        metric.flatMap { point.statistic($0)?.mean }.flatMap { $0.isFinite ? $0 : nil }
    }

    /// A run's value of the metric, for picking a grid point's best seed: the
    /// metric, or without one the final validation (else training) loss — one
    /// grid point has one loss function.
    public func value(_ run: RunSummary) -> Double? {
        let value: Double?
        switch metric {
        case .validationLoss?: value = run.validationLoss
        case .bestValidationLoss?: value = run.bestValidationLoss
        case .trainLoss?: value = run.trainLoss
        case .validationAccuracy?: value = run.validationAccuracy
        case .trainAccuracy?: value = run.trainAccuracy
        case nil: value = run.validationLoss ?? run.trainLoss
        }
        guard let value, value.isFinite else { return nil }
        return metric?.isAccuracy == true ? -value : value
    }

    /// True when `a` ranks before `b` (both values of the metric).
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        metric?.isAccuracy == true ? a > b : a < b
    }

    /// The best grid point's index (ties: the first); nil when nothing is ranked or every point diverged.
    public func best(_ points: [GridPoint]) -> Int? {
        var best: (index: Int, value: Double)?
        for (index, point) in points.enumerated() {
            guard let value = value(point) else { continue }
            if best == nil || isBetter(value, than: best!.value) { best = (index, value) }
        }
        return best?.index
    }

    /// The grid points' indices from best to worst; those without a value last, in grid order.
    public func order(_ points: [GridPoint]) -> [Int] {
        let ranked = points.indices.filter { value(points[$0]) != nil }
        let sorted = ranked.enumerated().sorted { lhs, rhs in
            let a = value(points[lhs.element])!, b = value(points[rhs.element])!
            return a == b ? lhs.offset < rhs.offset : isBetter(a, than: b)
        }.map(\.element)
        return sorted + points.indices.filter { value(points[$0]) == nil }
    }

    /// The best seed of a grid point: the best run by `value(run)` among those that did not diverge.
    public func bestRun(_ point: GridPoint) -> RunSummary? {
        point.runs.filter { $0.status != .diverged }.compactMap { run in value(run).map { (run, $0) } }
            .min { $0.1 < $1.1 }?.0
    }
}
