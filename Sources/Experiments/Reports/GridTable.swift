import Foundation

/// A mean over seeds with its spread.
public struct MeanStd: Sendable, Equatable {
    public var mean: Double
    /// The sample standard deviation √(Σ(x − mean)² / (n − 1)); nil for a single value.
    public var std: Double?
    public var count: Int

    /// The mean and spread of `values`; nil when there are none.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        count = values.count
        mean = values.reduce(0, +) / Double(values.count)
        if values.count > 1 {
            let m = mean
            std = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
        }
    }

    /// `0.034 ± 0.006`, four significant digits.
    public var text: String {
        let mean = ReportNumber.text(self.mean)
        return std.map { "\(mean) ± \(ReportNumber.text($0))" } ?? mean
    }
}

/// One point of the sweep's grid: its runs (one per seed) and their statistics.
/// Statistics are taken over the seeds that did not diverge; `diverged` counts the others.
public struct GridPoint: Sendable {
    /// The sweep values' labels, in axis order.
    public var labels: [String]
    /// `learning_rate=0.1, activation=relu`, or "all runs" without a sweep.
    public var name: String
    public var runs: [RunSummary]
    public var diverged: Int
    public var finalTrainLoss: MeanStd?
    public var finalValidationLoss: MeanStd?
    public var bestValidationLoss: MeanStd?
    public var trainAccuracy: MeanStd?
    public var validationAccuracy: MeanStd?

    /// What ranks grid points: the mean final validation loss, or training loss without validation data.
    public var score: Double? { (finalValidationLoss ?? finalTrainLoss)?.mean }

    /// The grid points of a results folder, in the order of their first runs.
    public static func points(of results: ResultsFolder) -> [GridPoint] {
        var order: [[String]] = []
        var groups: [[String]: [RunSummary]] = [:]
        for run in results.runs {
            if groups[run.sweepLabels] == nil { order.append(run.sweepLabels) }
            groups[run.sweepLabels, default: []].append(run)
        }
        return order.map { labels in
            let runs = groups[labels]!
            let kept = runs.filter { $0.status != .diverged }
            let name = GridPoint.name(labels: labels, sweepPaths: results.sweepPaths)
            return GridPoint(labels: labels, name: name, runs: runs, diverged: runs.count - kept.count,
                             finalTrainLoss: MeanStd(kept.map(\.trainLoss)),
                             finalValidationLoss: MeanStd(kept.compactMap(\.validationLoss)),
                             bestValidationLoss: MeanStd(kept.compactMap(\.bestValidationLoss)),
                             trainAccuracy: MeanStd(kept.compactMap(\.trainAccuracy)),
                             validationAccuracy: MeanStd(kept.compactMap(\.validationAccuracy)))
        }
    }

    /// `learning_rate=0.1, activation=relu` (each path by its last part unless two
    /// share it), or "all runs" without a sweep.
    static func name(labels: [String], sweepPaths: [String]) -> String {
        guard !labels.isEmpty else { return "all runs" }
        let shortPaths = sweepPaths.map { path in
            let last = String(path.split(separator: ".").last ?? Substring(path))
            return sweepPaths.filter { $0.hasSuffix("." + last) || $0 == last }.count > 1 ? path : last
        }
        return zip(shortPaths, labels).map { "\($0)=\($1)" }.joined(separator: ", ")
    }

    /// The index of the best grid point: the lowest score (ties: the first); nil when every point diverged.
    public static func best(_ points: [GridPoint]) -> Int? {
        var best: Int?
        for (index, point) in points.enumerated() {
            guard let score = point.score, score.isFinite else { continue }
            if best == nil || score < points[best!].score! { best = index }
        }
        return best
    }
}

/// Numbers as reports show them: four significant digits, no floating-point noise.
public enum ReportNumber {
    public static func text(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "−∞" : "∞" }
        if x == 0 { return "0" }
        let magnitude = abs(x)
        if magnitude >= 1e5 || magnitude < 1e-3 {
            return String(format: "%.3e", x).replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e-0", with: "e-")
                .replacingOccurrences(of: "e+", with: "e")
        }
        let digits = max(0, 3 - Int(floor(log10(magnitude))))
        var text = String(format: "%.\(digits)f", x)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
