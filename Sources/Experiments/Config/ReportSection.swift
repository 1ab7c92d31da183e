/// What `report.rank_by` may name: the statistic of a grid point (its mean
/// over the seeds that did not diverge) by which the report's ★ picks the best.
/// Losses rank lowest first, accuracies highest first.
public enum RankMetric: String, Sendable, CaseIterable {
    case validationLoss = "validation_loss"
    case bestValidationLoss = "best_validation_loss"
    case trainLoss = "train_loss"
    case validationAccuracy = "validation_accuracy"
    case trainAccuracy = "train_accuracy"

    /// True for the accuracies, which rank highest first.
    public var isAccuracy: Bool { self == .validationAccuracy || self == .trainAccuracy }
    /// True for the metrics measured on the validation set.
    public var needsValidation: Bool { self != .trainLoss && self != .trainAccuracy }

    /// As the report says it: "validation accuracy", "best validation loss".
    public var text: String { rawValue.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "train ", with: "training ") }
}

/// The `report` section, `{"rank_by": M}`: the metric asked for (nil when the
/// section or its key is absent), and false when the section has a mistake
/// (reported to `sink`).
///
/// Ranking by a loss while the loss itself is swept is refused: the grid
/// points' losses are then values of different functions.
func readReport(_ node: JSONNode, lossSwept: Bool, sink: DiagnosticSink) -> (valid: Bool, rankBy: RankMetric?) {
    guard var reader = ObjectReader(node, path: "report", sink: sink) else { return (false, nil) }
    defer { reader.finish(allowed: reportKeys) }
    guard let member = reader.member("rank_by") else { return (true, nil) }
    guard let metric = checkChoice(member.value, "report.rank_by", kind: "rank metric",
                                   RankMetric.allCases.map { ($0.rawValue, $0) }, sink) else { return (false, nil) }
    if !metric.isAccuracy, lossSwept {
        sink.error(at: member.value.location, "report.rank_by",
                   "cannot rank by \(metric.rawValue) while \"loss\" is swept: the grid points' losses are different functions (rank by validation_accuracy or train_accuracy)")
        return (false, nil)
    }
    return (true, metric)
}

/// The keys of the `report` section.
let reportKeys = ["rank_by"]
