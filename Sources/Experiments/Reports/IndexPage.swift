import Foundation

/// `results/index.html`: a table with one row per experiment that has a
/// report — its link, its description's first sentence, runs, the best grid
/// point with its rank metric, the best point's validation (else training)
/// accuracy where it applies, diverged and unfinished runs, and a small chart
/// of the best grid point's loss by epoch.
public enum IndexPage {
    /// Rebuilds the index of `tree` from the experiment folders in it that have a report.
    /// `built`: reports just built (by folder path), whose rows and charts come
    /// from their results in memory; the others are read from disk.
    public static func write(_ tree: ResultsTree, built: [String: Report] = [:]) throws(WriteError) {
        var rows: [String] = []
        for folder in tree.experimentFolders() where folder.hasReport {
            if let report = built[folder.path] {
                rows.append(row(folder, report))
                continue
            }
            guard let results = ResultsFolder.read(folder) else { continue }
            rows.append(row(folder, Report(tableOf: results)))
        }
        let header = ["experiment", "question", "runs", "best grid point", "rank metric", "accuracy", "diverged", "finished", "loss by epoch"]
        var body = "<h1>nnlab results</h1>\n<div class=\"table\"><table class=\"index\">\n<thead><tr>"
        body += header.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n" + rows.joined(separator: "\n")
        body += "\n</tbody>\n</table></div>\n<p class=\"note\">Accuracy: the final validation accuracy of the best grid point (training accuracy without validation data), mean over its seeds that did not diverge. The chart: the best grid point's mean loss by epoch (validation, else training; log scale).</p>\n"
        try ResultFiles.write(htmlPage(title: "nnlab results", body: body + HoverScript.script + "\n"), to: tree.index)
    }

    /// The first sentence of a description (up to its first ". ", "? " or "! ").
    static func firstSentence(_ text: String) -> String {
        var end = text.endIndex
        for mark in [". ", "? ", "! "] {
            if let range = text.range(of: mark), range.lowerBound < end { end = range.lowerBound }
        }
        return end == text.endIndex ? text : String(text[...end])
    }

    private static func row(_ folder: ExperimentFolder, _ report: Report) -> String {
        let results = report.results
        let link = escapeHTML(folder.name) + "/" + (folder.reportHTML as NSString).lastPathComponent
        let shown = report.best ?? (report.points.count == 1 ? 0 : nil)
        var bestName = "—", metric = "—", accuracy = ""
        if let shown {
            let point = report.points[shown]
            bestName = report.points.count > 1 ? point.name : "(one grid point)"
            let rankMetric = report.ranking.metric ?? (point.finalValidationLoss != nil ? .validationLoss : .trainLoss)
            if let value = point.statistic(rankMetric) { metric = "\(Report.metricText(rankMetric)) \(ReportNumber.text(value.mean))" }
            if let value = point.validationAccuracy ?? point.trainAccuracy { accuracy = ReportNumber.text(value.mean) }
        } else if report.points.count > 1 {
            bestName = report.ranking.metric == nil ? "not ranked" : report.tied.isEmpty ? "— (every run diverged)" : "\(report.tied.count) tie"
        }
        let diverged = results.runs.filter { $0.status == .diverged }.count
        let missing = results.plannedRuns - results.runs.count
        let cells = [
            "<td><a href=\"\(link)\">\(escapeHTML(results.name))</a></td>",
            "<td class=\"q\">\(escapeHTML(results.description.map(firstSentence) ?? ""))</td>",
            "<td class=\"n\">\(ReportNumber.grouped(results.runs.count))</td>",
            "<td>\(escapeHTML(bestName))</td>",
            "<td>\(escapeHTML(metric))</td>",
            "<td class=\"n\">\(accuracy)</td>",
            "<td class=\"n\">\(diverged == 0 ? "" : ReportNumber.grouped(diverged))</td>",
            "<td class=\"n\">\(missing == 0 ? "" : "partial: \(ReportNumber.grouped(results.runs.count)) of \(ReportNumber.grouped(results.plannedRuns)) runs finished")</td>",
            "<td>\(shown.map { sparkline(report.points[$0], results: results) } ?? "")</td>",
        ]
        return "<tr>" + cells.joined() + "</tr>"
    }

    /// A 140 × 34 chart of a grid point's mean loss by epoch (its seeds that
    /// did not diverge; validation loss, else training), log scale, no axes.
    /// The curves are the report's in memory when it has them, else read (reduced) from the runs' curve.csv.
    static func sparkline(_ point: GridPoint, results: ResultsFolder) -> String {
        let kept = point.runs.filter { $0.status != .diverged }
        let curves = (kept.isEmpty ? point.runs : kept).compactMap { results.curves[$0.run] ?? results.reducedCurve(of: $0.run) }
        guard let longest = curves.map(\.count).max(), longest >= 2 else { return "" }
        let validation = curves.allSatisfy { $0.allSatisfy { $0.validationLoss != nil } }
        // The mean over seeds by record (records of one index share an epoch: the seeds of a grid point
        // train alike), at the record's epoch.
        var values: [(Double, Double)] = []
        for index in 0 ..< longest {
            var sum = 0.0, count = 0, epoch = 0
            for curve in curves where curve.count > index {
                guard let loss = validation ? curve[index].validationLoss : curve[index].trainLoss, loss.isFinite, loss > 0 else { continue }
                sum += loss
                count += 1
                epoch = curve[index].epoch
            }
            if count > 0 { values.append((Double(epoch), log10(sum / Double(count)))) }
        }
        guard values.count >= 2, let low = values.map(\.1).min(), let high = values.map(\.1).max(), let last = values.last,
              let first = values.first, last.0 > first.0 else { return "" }
        let span = max(high - low, 1e-9), width = 140.0, height = 34.0
        var pixels: [(Double, Double)?] = values.map { (2 + ($0.0 - first.0) / (last.0 - first.0) * (width - 4), height - 3 - ($0.1 - low) / span * (height - 6)) }
        if pixels.count > Int(width) { pixels = PixelDecimation.kept(pixels).map { pixels[$0] } }
        let points = pixels.compactMap { $0.map { "\(SVG.f($0.0)),\(SVG.f($0.1))" } }
        let tip = "\(point.name): \(validation ? "validation" : "training") loss from \(ReportNumber.text(pow(10, first.1))) at epoch \(Int(first.0)) to \(ReportNumber.text(pow(10, last.1))) at epoch \(Int(last.0))"
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"140\" height=\"34\" viewBox=\"0 0 140 34\"><title>\(SVG.escape(tip))</title>"
            + "<rect width=\"140\" height=\"34\" fill=\"#FFFFFF\"/><polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#0072B2\" stroke-width=\"1.5\"/></svg>"
    }
}
