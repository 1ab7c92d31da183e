import Foundation

/// An experiment's report (SPEC §7): its description, the table of grid points
/// (mean ± std over seeds, the best marked), and the charts; written as
/// `report.md` (charts as files under `charts/`) and `report.html` (one
/// standalone file, charts inline, values on hover).
public struct Report: Sendable {
    public var results: ResultsFolder
    public var points: [GridPoint]
    public var best: Int?
    public var charts: [ReportChart]
    public var boundaries: [ReportChart]

    public init(_ results: ResultsFolder, cache: CSVCache = CSVCache()) {
        self.results = results
        points = GridPoint.points(of: results)
        best = GridPoint.best(points)
        charts = [ReportCharts.lossCurves(results, points), ReportCharts.learningRateCurves(results, points),
                  ReportCharts.learningRate(results, points),
                  ReportCharts.gradientNorms(results, points)].compactMap { $0 }
        boundaries = ReportCharts.decisionBoundaries(results, points, cache: cache)
    }

    /// One line for the index: runs, the best grid point and its loss, diverged runs.
    public var summaryLine: String {
        let diverged = results.runs.filter { $0.status == .diverged }.count
        var parts = ["\(results.runs.count) run\(results.runs.count == 1 ? "" : "s")"]
        if let best {
            let point = points[best]
            let which = point.finalValidationLoss != nil ? "validation" : "training"
            let loss = (point.finalValidationLoss ?? point.finalTrainLoss)?.text ?? ""
            parts.append(points.count > 1 ? "best \(point.name) (\(which) loss \(loss))" : "\(which) loss \(loss)")
        }
        if diverged > 0 { parts.append("\(diverged) diverged") }
        if results.isPartial { parts.append("partial: \(results.runs.count) of \(results.plannedRuns) runs finished") }
        return parts.joined(separator: "; ")
    }

    /// For partial results, what the report says first: how many runs are
    /// finished and which grid points are incomplete (at most 20 named).
    var partialNote: String? {
        guard results.isPartial else { return nil }
        var text = "Partial report: \(results.runs.count) of \(results.plannedRuns) runs are finished."
        let incomplete = results.incompletePoints
        if !results.sweepPaths.isEmpty || results.seedsPerPoint > 1 {
            let shown = incomplete.prefix(20).map { point -> String in
                let name = GridPoint.name(labels: point.labels, sweepPaths: results.sweepPaths)
                return "\(name) (\(point.finished) of \(results.seedsPerPoint) seed\(results.seedsPerPoint == 1 ? "" : "s"))"
            }
            let more = incomplete.count > 20 ? ", and \(incomplete.count - 20) more" : ""
            text += " Incomplete grid point\(incomplete.count == 1 ? "" : "s"): \(shown.joined(separator: ", "))\(more)."
        }
        return text + " Run the experiment again to train the missing runs (finished runs are kept); the report is rebuilt then."
    }

    static let boundaryCaption = "Each chart is the best seed of its grid point (the lowest final loss among the seeds that did not diverge); the shading is the network's output over the plane, the points are the data, training and validation."

    private var hasValidation: Bool { results.runs.allSatisfy { $0.validationLoss != nil } }
    private var hasAccuracy: Bool { results.runs.contains { $0.trainAccuracy != nil } }

    /// The table's header and rows as plain cells; the best row's index.
    private func table() -> (header: [String], rows: [[String]]) {
        var header = ["grid point", "seeds", "final train loss"]
        if hasValidation { header += ["final validation loss", "best validation loss"] }
        if hasAccuracy { header += ["train accuracy"] + (hasValidation ? ["validation accuracy"] : []) }
        header.append("diverged")
        let rows = points.map { point -> [String] in
            func cell(_ value: MeanStd?) -> String { value?.text ?? "—" }
            let seeds = point.runs.count < results.seedsPerPoint ? "\(point.runs.count) of \(results.seedsPerPoint)" : String(point.runs.count)
            var row = [point.name, seeds, cell(point.finalTrainLoss)]
            if hasValidation { row += [cell(point.finalValidationLoss), cell(point.bestValidationLoss)] }
            if hasAccuracy { row += [cell(point.trainAccuracy)] + (hasValidation ? [cell(point.validationAccuracy)] : []) }
            row.append(point.diverged == 0 ? "" : "\(point.diverged) of \(point.runs.count)")
            return row
        }
        return (header, rows)
    }

    private var tableNote: String {
        "Mean ± sample standard deviation over the seeds that did not diverge. ★ marks the best grid point: the lowest mean final \(hasValidation ? "validation" : "training") loss."
    }

    // MARK: Markdown

    public func markdown() -> String {
        var text = "# \(results.name)\n\n"
        if let partialNote { text += "> **\(partialNote)**\n\n" }
        if let description = results.description { text += "\(description)\n\n" }
        text += "\(summaryLine).\n\n## Runs\n\n"
        let (header, rows) = table()
        text += "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---|" }.joined() + "\n"
        for (index, row) in rows.enumerated() {
            var cells = row.map { $0.replacingOccurrences(of: "|", with: "\\|") }
            if index == best { cells = cells.map { $0.isEmpty ? $0 : "**\($0)**" }; cells[0] = "★ " + cells[0] }
            text += "| " + cells.joined(separator: " | ") + " |\n"
        }
        text += "\n\(tableNote)\n"
        for chart in charts {
            text += "\n## \(chart.heading)\n\n![\(chart.heading)](\(ExperimentFolder.chartLink(chart.file)))\n\n\(chart.caption)\n"
        }
        if !boundaries.isEmpty {
            text += "\n## Decision boundaries\n\n"
            text += boundaries.map { "![\($0.heading)](\(ExperimentFolder.chartLink($0.file)))" }.joined(separator: "\n") + "\n\n\(Report.boundaryCaption)\n"
        }
        return text
    }

    // MARK: HTML

    public func html() -> String {
        let (header, rows) = table()
        var body = "<h1>\(escapeHTML(results.name))</h1>\n"
        if let partialNote {
            // Styled inline: the stylesheet of a complete report stays as it was.
            body += "<p class=\"partial\" style=\"background: #fff4d6; border-left: 4px solid #e0a800; padding: 0.5em 0.8em; font-weight: bold;\">\(escapeHTML(partialNote))</p>\n"
        }
        if let description = results.description { body += "<p class=\"description\">\(escapeHTML(description))</p>\n" }
        body += "<p>\(escapeHTML(summaryLine)).</p>\n<h2>Runs</h2>\n<div class=\"table\"><table>\n<thead><tr>"
        body += header.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for (index, row) in rows.enumerated() {
            let isBest = index == best
            body += isBest ? "<tr class=\"best\">" : "<tr>"
            body += row.enumerated().map { column, cell in
                let text = column == 0 && isBest ? "★ " + cell : cell
                return column == 0 ? "<th scope=\"row\">\(escapeHTML(text))</th>" : "<td>\(escapeHTML(text))</td>"
            }.joined() + "</tr>\n"
        }
        body += "</tbody>\n</table></div>\n<p class=\"note\">\(escapeHTML(tableNote))</p>\n"
        for chart in charts {
            body += "<h2>\(escapeHTML(chart.heading))</h2>\n<figure>\(inlineSVG(chart.svg))<figcaption>\(escapeHTML(chart.caption))</figcaption></figure>\n"
        }
        if !boundaries.isEmpty {
            body += "<h2>Decision boundaries</h2>\n<div class=\"grid\">\n"
            body += boundaries.map { "<figure>\(inlineSVG($0.svg))</figure>" }.joined(separator: "\n")
            body += "\n</div>\n<p class=\"note\">\(escapeHTML(Report.boundaryCaption))</p>\n"
        }
        return htmlPage(title: "nnlab: \(results.name)", body: body)
    }

    /// Writes `charts/*.svg`, `report.md` and `report.html` into the results
    /// folder; charts of an earlier report that this one does not have are removed.
    public func write() throws(WriteError) {
        let folder = results.folder
        let files = Set((charts + boundaries).map(\.file))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.charts)) ?? [] where !files.contains(name) {
            unlink(folder.chart(name))
        }
        for chart in charts + boundaries {
            try ResultFiles.write(chart.svg, to: folder.chart(chart.file))
        }
        try ResultFiles.write(markdown(), to: folder.reportMarkdown)
        try ResultFiles.write(html(), to: folder.reportHTML)
    }
}

/// `results/index.html`: every experiment's report with its one-line summary;
/// partial results say so. Only reports that exist are linked.
public enum IndexPage {
    /// Rebuilds the index of `tree` from the experiment folders in it that have a report.
    public static func write(_ tree: ResultsTree) throws(WriteError) {
        var items: [String] = []
        for folder in tree.experimentFolders() where folder.hasReport {
            guard let results = ResultsFolder.read(folder, curves: false) else { continue }
            let line = Report.summaryLine(of: results)
            let description = results.description.map { "<br><span class=\"description\">\(escapeHTML($0))</span>" } ?? ""
            let link = escapeHTML(folder.name) + "/" + (folder.reportHTML as NSString).lastPathComponent
            items.append("<li><a href=\"\(link)\">\(escapeHTML(results.name))</a>: \(escapeHTML(line))\(description)</li>")
        }
        let body = "<h1>nnlab results</h1>\n<ul class=\"index\">\n\(items.joined(separator: "\n"))\n</ul>\n"
        try ResultFiles.write(htmlPage(title: "nnlab results", body: body), to: tree.index)
    }
}

extension Report {
    /// The summary line without building charts.
    static func summaryLine(of results: ResultsFolder) -> String {
        var report = Report(results: results, points: GridPoint.points(of: results), best: nil, charts: [], boundaries: [])
        report.best = GridPoint.best(report.points)
        return report.summaryLine
    }

    private init(results: ResultsFolder, points: [GridPoint], best: Int?, charts: [ReportChart], boundaries: [ReportChart]) {
        self.results = results
        self.points = points
        self.best = best
        self.charts = charts
        self.boundaries = boundaries
    }
}

func escapeHTML(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

/// An SVG document's markup for inlining in HTML (without its XML declaration).
func inlineSVG(_ svg: String) -> String {
    guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") else { return svg }
    return String(svg[end.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
}

func htmlPage(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escapeHTML(title))</title>
    <style>
    body { font-family: Helvetica, Arial, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
    h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
    .description { color: #444; } .note, figcaption { color: #666; font-size: 0.9em; }
    table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
    th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: right; font-variant-numeric: tabular-nums; }
    td { white-space: nowrap; } .table { overflow-x: auto; }
    thead th { background: #f4f4f4; text-align: center; } tbody th { text-align: left; font-weight: normal; }
    tr.best { background: #fff4d6; font-weight: bold; } tr.best th { font-weight: bold; }
    figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
    .grid { display: flex; flex-wrap: wrap; gap: 0.5em; } .grid figure { margin: 0; flex: 0 1 420px; }
    ul.index li { margin: 0.6em 0; }
    </style>
    </head>
    <body>
    \(body)
    </body>
    </html>

    """
}
