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

    /// `0.0345 ± 0.0061`: the mean at four significant digits, the spread to
    /// the mean's last digit (at most four significant digits of its own), so a
    /// spread below the mean's resolution shows as 0 ("0.9333 ± 0", not the
    /// floating-point noise of three equal values).
    public var text: String {
        guard let std else { return ReportNumber.text(mean) }
        return "\(ReportNumber.text(mean)) ± \(ReportNumber.spread(std, of: mean))"
    }
}

/// One point of the sweep's grid: its runs (one per seed) and their statistics.
/// Statistics are taken over the seeds that did not diverge; `diverged` counts the others.
public struct GridPoint: Sendable {
    /// The sweep values' labels, in axis order.
    public var labels: [String]
    /// `learning_rate=0.1, activation=relu` (labels at display precision), or "all runs" without a sweep.
    public var name: String
    /// The labels as reports show them (`DisplayLabels`).
    public var displayLabels: [String]
    public var runs: [RunSummary]
    public var diverged: Int
    public var finalTrainLoss: MeanStd?
    public var finalValidationLoss: MeanStd?
    public var bestValidationLoss: MeanStd?
    public var trainAccuracy: MeanStd?
    public var validationAccuracy: MeanStd?

    /// The statistic `metric` names.
    public func statistic(_ metric: RankMetric) -> MeanStd? {
        switch metric {
        case .validationLoss: return finalValidationLoss
        case .bestValidationLoss: return bestValidationLoss
        case .trainLoss: return finalTrainLoss
        case .validationAccuracy: return validationAccuracy
        case .trainAccuracy: return trainAccuracy
        }
    }

    /// The grid points of a results folder, in the order of their first runs.
    public static func points(of results: ResultsFolder) -> [GridPoint] {
        var order: [[String]] = []
        var groups: [[String]: [RunSummary]] = [:]
        for run in results.runs {
            if groups[run.sweepLabels] == nil { order.append(run.sweepLabels) }
            groups[run.sweepLabels, default: []].append(run)
        }
        let display = results.displayLabels
        return order.map { labels in
            let runs = groups[labels]!
            let kept = runs.filter { $0.status != .diverged }
            let shown = labels.enumerated().map { display.indices.contains($0.offset) ? display[$0.offset][$0.element] ?? $0.element : $0.element }
            let name = GridPoint.name(labels: shown, sweepPaths: results.sweepPaths)
            return GridPoint(labels: labels, name: name, displayLabels: shown, runs: runs, diverged: runs.count - kept.count,
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
        return zip(shortPaths(sweepPaths), labels).map { "\($0)=\($1)" }.joined(separator: ", ")
    }

    /// The short name of each sweep path, as `name` uses it.
    static func shortPaths(_ sweepPaths: [String]) -> [String] {
        sweepPaths.map { path in
            let last = String(path.split(separator: ".").last ?? Substring(path))
            return sweepPaths.filter { $0.hasSuffix("." + last) || $0 == last }.count > 1 ? path : last
        }
    }
}

/// Numbers as reports show them: four significant digits, no floating-point
/// noise, plain decimals for 0.001 ≤ |x| < 100000 and `1.23e-5` otherwise
/// (files keep every digit).
public enum ReportNumber {
    /// A count with its thousands separated by commas: "2,500".
    public static func grouped(_ count: Int) -> String {
        let digits = String(count.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (count < 0 ? "-" : "") + out
    }

    public static func text(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "−∞" : "∞" }
        if x == 0 { return "0" }
        let magnitude = abs(x)
        if magnitude >= 1e5 || magnitude < 1e-3 { return SVG.number(x, significantDigits: 4) }
        return fixed(x, decimals: max(0, 3 - Int(floor(log10(magnitude)))))
    }

    /// A standard deviation beside `mean`'s text: rounded to the mean's last
    /// shown digit (and to four significant digits of its own), "0" below it.
    public static func spread(_ std: Double, of mean: Double) -> String {
        guard std.isFinite, mean.isFinite, mean != 0 else { return text(std) }
        let exponent = Int(floor(log10(abs(mean))))
        let resolution = pow(10, Double(exponent - 3))
        if std < resolution / 2 { return "0" }
        let magnitude = abs(mean)
        guard magnitude >= 1e-3, magnitude < 1e5 else { return text(std) }
        let meanDecimals = max(0, 3 - exponent)
        let ownDecimals = max(0, 3 - Int(floor(log10(std))))
        return fixed(std, decimals: min(meanDecimals, ownDecimals))
    }

    /// `x` with `decimals` decimals, trailing zeros removed: `%.(decimals)f`
    /// (the exact value rounded to nearest, ties to even) trimmed. Integer
    /// arithmetic on the exactly rounded |x| · 10^decimals (`SVG.roundedProduct`);
    /// huge values and NaN go through `String(format:)`.
    static func fixed(_ x: Double, decimals: Int) -> String {
        guard decimals >= 0, decimals < SVG.powersOfTen.count,
              let scaled = SVG.roundedProduct(abs(x), times: SVG.powersOfTen[decimals]) else {
            return SVG.fixedByPrintf(x, decimals: decimals)
        }
        return String(unsafeUninitializedCapacity: 18 + decimals) {
            SVG.writeDecimals(scaled, decimals: decimals, negative: x < 0 && scaled != 0, into: $0)
        }
    }
}

/// Sweep labels as reports show them: a number's label at four significant
/// digits (`0.003162` for `0.00316227766017`), more only where four would make
/// two values of the axis read the same; other labels as they are.
public enum DisplayLabels {
    /// The display text of each label of one axis, by label.
    public static func map(_ labels: [String]) -> [String: String] {
        let distinct = Array(Set(labels)).sorted()
        let numbers = distinct.map { label -> Double? in
            guard let value = Double(label), value.isFinite, label.first.map({ $0.isNumber || $0 == "-" || $0 == "." }) == true else { return nil }
            return value
        }
        guard !distinct.isEmpty, numbers.allSatisfy({ $0 != nil }) else {
            return Dictionary(uniqueKeysWithValues: distinct.map { ($0, $0) })
        }
        for digits in 4 ... 17 {
            let texts = numbers.map { SVG.number($0!, significantDigits: digits) }
            if Set(texts).count == distinct.count || digits == 17 {
                return Dictionary(uniqueKeysWithValues: zip(distinct, texts).map { ($0, $1) })
            }
        }
        return [:]
    }

    /// Whether every label of the axis is a number (an axis a colour scale can show).
    public static func numericValues(_ labels: [String]) -> [Double]? {
        let values = labels.map { label -> Double? in
            guard let value = Double(label), value.isFinite else { return nil }
            return value
        }
        return values.allSatisfy { $0 != nil } ? values.map { $0! } : nil
    }
}
