import Foundation

/// An experiment's report (SPEC §7): its description, the table of grid points
/// (mean ± std over seeds, the best marked), and the charts; written as
/// `report.md` (charts as files under `charts/`) and `report.html` (one
/// standalone file, charts inline, values on hover).
public struct Report: Sendable {
    public var results: ResultsFolder
    public var points: [GridPoint]
    /// What ★ ranks by, or why nothing is ranked.
    public var ranking: Ranking
    /// The best grid point; nil when nothing is ranked, every point diverged, or there is one point.
    public var best: Int?
    public var charts: [ReportChart]
    public var boundaries: [ReportChart]
    /// For an exercise (`ExerciseTrace`), the trace of its first step, shown instead of the loss charts.
    public var trace: String?
    /// The grid points that tie at the best value (then no point is starred), when more than one does.
    public var tied: [Int] = []
    /// The grid points from best to worst, as the charts rank them (`ReportCharts.Context.order`).
    var rankOrder: [Int] = []
    /// For 2-D classification, the pictured runs' decision boundaries through training.
    var frames: BoundaryFrames?
    /// For 2-D inputs and a small network, the best run's diagram with each unit's heatmap (`UnitHeatmaps`).
    var network: ReportChart?

    /// `runCharts` builds the charts (`ReportCharts.jobs`): one after another by default, or side by side on a pool.
    public init(_ results: ResultsFolder, cache: CSVCache = CSVCache(), runCharts: ChartRunner = Report.serial) {
        self.results = results
        points = GridPoint.points(of: results)
        ranking = Ranking(results)
        (best, tied) = Report.best(points, ranking)
        trace = ExerciseTrace.text(results, cache: cache)
        let context = ReportCharts.Context(results, points, ranking)
        rankOrder = context.order
        if trace != nil {
            charts = []
            boundaries = []
        } else {
            // One job per pictured grid point (its decision boundary, and its
            // frames, which come back through `drawn`), the charts, and the
            // network diagram. They are run longest first, so that no long
            // job starts last with the other threads idle: the network
            // diagram (a heatmap per unit), the pictures, then the charts;
            // `built` keeps the report's order.
            let pictured = ReportCharts.picturedPoints(context)
            let drawn = Slots<BoundaryFrames.Drawn>(pictured.count)
            let pictureJobs = pictured.enumerated().map { k, index in
                { @Sendable () -> ReportChart? in
                    guard let pictures = ReportCharts.pictures(context, index, cache: cache) else { return nil }
                    drawn.set(k, pictures.frames)
                    return pictures.boundary
                }
            }
            let chartJobs = ReportCharts.jobs(context, cache: cache)
            let jobs = pictureJobs + chartJobs + [{ UnitHeatmaps.chart(context, cache: cache) }]
            let longestFirst = [jobs.count - 1] + Array(0 ..< jobs.count - 1)
            let run = runCharts(longestFirst.map { jobs[$0] })
            precondition(run.count == jobs.count, "a chart runner returns one result per job, found \(run.count) for \(jobs.count)")
            var built = [ReportChart?](repeating: nil, count: jobs.count)
            for (k, job) in longestFirst.enumerated() { built[job] = run[k] }
            boundaries = built[..<pictured.count].compactMap { $0 }
            charts = built[pictured.count ..< pictured.count + chartJobs.count].compactMap { $0 }
            frames = BoundaryFrames(drawn.values.compactMap { $0 })
            network = built[jobs.count - 1]
        }
    }

    /// What the report calls a rank metric: "final validation loss", "validation accuracy".
    static func metricText(_ metric: RankMetric) -> String {
        switch metric {
        case .validationLoss: return "final validation loss"
        case .trainLoss: return "final training loss"
        case .bestValidationLoss: return "best validation loss"
        case .validationAccuracy: return "final validation accuracy"
        case .trainAccuracy: return "final training accuracy"
        }
    }

    /// One line for the index: runs, the best grid point and its rank metric, diverged runs.
    public var summaryLine: String {
        let diverged = results.runs.filter { $0.status == .diverged }.count
        var parts = ["\(ReportNumber.grouped(results.runs.count)) run\(results.runs.count == 1 ? "" : "s")"]
        if let best, let metric = ranking.metric, let value = points[best].statistic(metric) {
            parts.append("best \(points[best].name) (\(Report.metricText(metric)) \(ReportNumber.text(value.mean)))")
        } else if points.count == 1, let point = points.first {
            let metric: RankMetric = point.finalValidationLoss != nil ? .validationLoss : .trainLoss
            if let value = point.statistic(metric) { parts.append("\(Report.metricText(metric)) \(ReportNumber.text(value.mean))") }
        } else if let metric = ranking.metric, let first = tied.first, let value = points[first].statistic(metric) {
            parts.append("\(tied.count) grid points tie at \(Report.metricText(metric)) \(ReportNumber.text(value.mean))")
        } else if points.count > 1, ranking.metric == nil {
            parts.append("not ranked")
        }
        if diverged > 0 { parts.append("\(ReportNumber.grouped(diverged)) diverged") }
        if results.isPartial {
            parts.append("partial: \(ReportNumber.grouped(results.runs.count)) of \(ReportNumber.grouped(results.plannedRuns)) runs finished")
        }
        return parts.joined(separator: "; ")
    }

    /// For partial results, what the report says first: how many runs are
    /// finished and which grid points are incomplete (at most 20 named).
    var partialNote: String? {
        guard results.isPartial else { return nil }
        var text = "Partial report: \(ReportNumber.grouped(results.runs.count)) of \(ReportNumber.grouped(results.plannedRuns)) runs are finished."
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

    var boundaryCaption: String {
        let by = ranking.metric.map { Report.metricText($0) } ?? (hasValidation ? "final validation loss" : "final training loss")
        var text = "Each chart is the best seed of its grid point (by \(by), among the seeds that did not diverge); the shading is the network's output over the plane (the bar: the output for class 1), the points are the data: circles training, diamonds validation."
        if points.count > ReportCharts.picturedLimit {
            text += " Shown for \(boundaries.count) of the \(points.count) grid points: the best three and the extremes of each swept axis."
        }
        return text
    }

    private var hasValidation: Bool { results.runs.allSatisfy { $0.validationLoss != nil } }
    private var hasAccuracy: Bool { results.runs.contains { $0.trainAccuracy != nil } }

    /// The grid points the table lists, in its order: every one in grid
    /// order; past `ManyGridPoints.chartLimit`, the best and the worst in rank
    /// order, the others left out after `gapAfter` rows.
    private var tableItems: (items: [Int], gapAfter: Int?) {
        guard ManyGridPoints.applies(points.count), rankOrder.count == points.count else { return (Array(points.indices), nil) }
        let (best, worst) = ManyGridPoints.tableRows(rankOrder)
        return (best + worst, worst.isEmpty ? nil : best.count)
    }

    /// The row that stands for the grid points the table leaves out.
    private var gapText: String? {
        let (items, gap) = tableItems
        guard gap != nil else { return nil }
        return "… \(ReportNumber.grouped(points.count - items.count)) more grid points: every one is in summary.csv"
    }

    /// The table's header and rows as plain cells, with the grid point of each row.
    private func table() -> (header: [String], rows: [[String]], items: [Int]) {
        var header = ["grid point", "seeds", "final train loss"]
        if hasValidation { header += ["final validation loss", "best validation loss"] }
        if hasAccuracy { header += ["train accuracy"] + (hasValidation ? ["validation accuracy"] : []) }
        header.append("diverged")
        if points.count > 1, let metric = ranking.metric {
            let column = ["validation_loss": "final validation loss", "best_validation_loss": "best validation loss", "train_loss": "final train loss",
                          "validation_accuracy": "validation accuracy", "train_accuracy": "train accuracy"][metric.rawValue]
            if let index = header.firstIndex(where: { $0 == column }) { header[index] += " ★" }
        }
        let items = tableItems.items
        let rows = items.map { points[$0] }.map { point -> [String] in
            func cell(_ value: MeanStd?) -> String { value?.text ?? "—" }
            let seeds = point.runs.count < results.seedsPerPoint ? "\(point.runs.count) of \(results.seedsPerPoint)" : String(point.runs.count)
            var row = [point.name, seeds, cell(point.finalTrainLoss)]
            if hasValidation { row += [cell(point.finalValidationLoss), cell(point.bestValidationLoss)] }
            if hasAccuracy { row += [cell(point.trainAccuracy)] + (hasValidation ? [cell(point.validationAccuracy)] : []) }
            row.append(point.diverged == 0 ? "" : "\(point.diverged) of \(point.runs.count)")
            return row
        }
        return (header, rows, items)
    }

    private var tableNote: String {
        var note = "Mean ± sample standard deviation over the seeds that did not diverge (a spread below the mean's last digit shows as 0)."
        if points.count > 1, let metric = ranking.metric {
            if tied.isEmpty {
                note += " ★ marks the best grid point by mean \(Report.metricText(metric)) (\(metric.isAccuracy ? "highest" : "lowest") first)."
            } else {
                note += " No ★: \(tied.map { points[$0].name }.joined(separator: ", ")) tie at the best mean \(Report.metricText(metric))."
            }
        }
        if points.count > 1, let why = ranking.note { note += " " + why }
        if let gap = tableItems.gapAfter {
            let by = ranking.metric.map { Report.metricText($0) } ?? (hasValidation ? "final validation loss" : "final training loss")
            note += " \(ReportNumber.grouped(points.count)) grid points: the table lists the \(gap) best and the \(tableItems.items.count - gap) worst by mean \(by), best first; summary.csv has every run (\(ReportNumber.grouped(results.runs.count)) rows)."
        }
        return note
    }

    /// The trace's introduction.
    private static let traceNote = "This experiment is an exercise (every weight given, few epochs): its first training step, solved as on paper, as `nnlab trace` prints it."

    // MARK: Markdown

    public func markdown() -> String {
        var text = "# \(results.name)\n\n"
        if let partialNote { text += "> **\(partialNote)**\n\n" }
        if let description = results.description { text += "\(description)\n\n" }
        text += "\(summaryLine).\n\n## Runs\n\n"
        let (header, rows, items) = table()
        text += "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---|" }.joined() + "\n"
        for (position, (index, row)) in zip(items, rows).enumerated() {
            if position == tableItems.gapAfter, let gapText { text += "| \(gapText) |" + String(repeating: " |", count: header.count - 1) + "\n" }
            var cells = row.map { $0.replacingOccurrences(of: "|", with: "\\|") }
            if index == best { cells = cells.map { $0.isEmpty ? $0 : "**\($0)**" }; cells[0] = "★ " + cells[0] }
            text += "| " + cells.joined(separator: " | ") + " |\n"
        }
        text += "\n\(tableNote)\n"
        if let trace {
            text += "\n## The first step, traced\n\n\(Report.traceNote)\n\n```text\n\(trace)\(trace.hasSuffix("\n") ? "" : "\n")```\n"
        }
        for chart in charts {
            text += "\n## \(chart.heading)\n\n![\(chart.heading)](\(ExperimentFolder.chartLink(chart.file)))\n\n\(chart.caption)\n"
        }
        if !boundaries.isEmpty {
            text += "\n## Decision boundaries\n\n"
            text += boundaries.map { "![\($0.heading)](\(ExperimentFolder.chartLink($0.file)))" }.joined(separator: "\n") + "\n\n\(boundaryCaption)\n"
        }
        if let frames {
            text += "\n## Decision boundaries through training\n\n"
            text += frames.strips.map { "![\($0.heading)](\(ExperimentFolder.chartLink($0.file)))" }.joined(separator: "\n") + "\n\n\(frames.caption)\n"
        }
        if let network {
            text += "\n## \(network.heading)\n\n![\(network.heading)](\(ExperimentFolder.chartLink(network.file)))\n\n\(network.caption)\n"
        }
        return text
    }

    // MARK: HTML

    /// report.html as one string.
    public func html() -> String { htmlPage().text }

    /// report.html as pieces (`PageText`): a report inlines a few MB of SVG,
    /// which are written from the charts' own strings rather than copied into one.
    func htmlPage() -> PageText {
        let (header, rows, items) = table()
        var body = PageText(reservingCapacity: 64 * 1024)
        body += htmlHead(title: "nnlab: \(results.name)")
        body += "<h1>\(escapeHTML(results.name))</h1>\n"
        if let partialNote {
            // Styled inline: the stylesheet of a complete report stays as it was.
            body += "<p class=\"partial\" style=\"background: #fff4d6; border-left: 4px solid #e0a800; padding: 0.5em 0.8em; font-weight: bold;\">\(escapeHTML(partialNote))</p>\n"
        }
        if let description = results.description { body += "<p class=\"description\">\(escapeHTML(description))</p>\n" }
        body += "<p>\(escapeHTML(summaryLine)).</p>\n<h2>Runs</h2>\n<div class=\"table\"><table>\n<thead><tr>"
        body += header.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for (position, (index, row)) in zip(items, rows).enumerated() {
            if position == tableItems.gapAfter, let gapText {
                body += "<tr class=\"gap\"><td colspan=\"\(header.count)\" style=\"text-align: left; color: #666;\">\(escapeHTML(gapText))</td></tr>\n"
            }
            let isBest = index == best
            body += isBest ? "<tr class=\"best\">" : "<tr>"
            body += row.enumerated().map { column, cell in
                let text = column == 0 && isBest ? "★ " + cell : cell
                return column == 0 ? "<th scope=\"row\">\(escapeHTML(text))</th>" : "<td>\(escapeHTML(text))</td>"
            }.joined() + "</tr>\n"
        }
        body += "</tbody>\n</table></div>\n<p class=\"note\">\(escapeHTML(tableNote))</p>\n"
        if let trace {
            body += "<h2>The first step, traced</h2>\n<p class=\"note\">\(escapeHTML(Report.traceNote.replacingOccurrences(of: "`", with: "")))</p>\n<pre class=\"trace\">\(escapeHTML(trace))</pre>\n"
        }
        for chart in charts {
            let kind = chart.file == "confusion-matrix.svg" ? "square" : "wide"
            body += "<h2>\(escapeHTML(chart.heading))</h2>\n<figure class=\"\(kind)\">"
            body.append(piece: inlineSVG(chart.svg))
            body += "<figcaption>\(escapeHTML(chart.caption))</figcaption></figure>\n"
        }
        if !boundaries.isEmpty {
            body += "<h2>Decision boundaries</h2>\n<div class=\"grid\">\n"
            for (k, boundary) in boundaries.enumerated() {
                if k > 0 { body += "\n" }
                body += "<figure>"
                body.append(piece: inlineSVG(boundary.svg))
                body += "</figure>"
            }
            body += "\n</div>\n<p class=\"note\">\(escapeHTML(boundaryCaption))</p>\n"
        }
        if let frames {
            body += "<h2>Decision boundaries through training</h2>\n"
            frames.appendHTML(to: &body)
            body += "<p class=\"note\">\(escapeHTML(frames.caption))</p>\n"
        }
        if let network {
            body += "<h2>\(escapeHTML(network.heading))</h2>\n<figure>"
            body.append(piece: inlineSVG(network.svg))
            body += "<figcaption>\(escapeHTML(network.caption))</figcaption></figure>\n"
        }
        body += HoverScript.script
        body += "\n"
        if frames != nil { body += BoundaryFrames.script + "\n" }
        body += htmlFoot
        return body
    }

    /// Writes `charts/*.svg`, `report.md` and `report.html` into the results
    /// folder, side by side on `jobs` threads (each file atomically, report.html,
    /// the largest, first); charts of an earlier report that this one does not have are removed.
    public func write(jobs: Int = 1) throws(WriteError) {
        let folder = results.folder
        let all = charts + boundaries + (frames?.strips ?? []) + (network.map { [$0] } ?? [])
        let files = Set(all.map(\.file))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.charts)) ?? [] where !files.contains(name) {
            unlink(folder.chart(name))
        }
        let report = self
        try WorkerPool.run(tasks: all.count + 2, workers: jobs) { (i: Int) throws(WriteError) in
            switch i {
            case 0: try ResultFiles.write(pieces: report.htmlPage().finished, to: folder.reportHTML)
            case 1: try ResultFiles.write(report.markdown(), to: folder.reportMarkdown)
            default: try ResultFiles.write(all[i - 2].svg, to: folder.chart(all[i - 2].file))
            }
        }
    }
}

extension Report {
    /// The report's ranking and table without charts (for the index).
    init(tableOf results: ResultsFolder) {
        self.results = results
        points = GridPoint.points(of: results)
        ranking = Ranking(results)
        (best, tied) = Report.best(points, ranking)
        charts = []
        boundaries = []
    }

    /// The starred grid point, or none when there is one point, nothing is
    /// ranked, or several tie at the best value (those, then).
    static func best(_ points: [GridPoint], _ ranking: Ranking) -> (best: Int?, tied: [Int]) {
        guard points.count > 1, let index = ranking.best(points), let value = ranking.value(points[index]) else { return (nil, []) }
        let ties = points.indices.filter { ranking.value(points[$0]) == value }
        return ties.count > 1 ? (nil, ties) : (index, [])
    }
}

func escapeHTML(_ text: String) -> String {
    // In one pass over the bytes (a report escapes every cell of its table);
    // most text has nothing to escape and is returned as it is.
    func special(_ byte: UInt8) -> Bool { byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 }
    guard text.utf8.contains(where: special) else { return text }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count + 16)
    for byte in text.utf8 {
        switch byte {
        case 0x26: out += "&amp;".utf8
        case 0x3C: out += "&lt;".utf8
        case 0x3E: out += "&gt;".utf8
        case 0x22: out += "&quot;".utf8
        default: out.append(byte)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// An SVG document's markup for inlining in HTML (without its XML declaration
/// and the white space after it and at the end: XML's white space, space, tab,
/// CR and LF), not copied. A document without a declaration is inlined whole.
func inlineSVG(_ svg: String) -> Substring {
    guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") else { return svg[...] }
    let utf8 = svg[end.upperBound...].utf8
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }
    guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
    return Substring(utf8[first ... last])
}

func htmlPage(title: String, body: String) -> String {
    var page = htmlHead(title: title)
    page.reserveCapacity(page.utf8.count + body.utf8.count + 32)
    page += body
    page += htmlFoot
    return page
}

/// The page after its body.
private let htmlFoot = "\n</body>\n</html>\n"

/// The page up to and including `<body>` and its newline.
private func htmlHead(title: String) -> String {
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
    figure { margin: 1em 0; } svg { max-width: 100%; height: auto; } figure.wide svg { width: 100%; }
    .grid { display: flex; flex-wrap: wrap; gap: 0.5em; } .grid figure { margin: 0; flex: 0 1 420px; }
    pre.trace { background: #f7f7f7; border: 1px solid #e2e2e2; padding: 0.8em 1em; overflow-x: auto; font-size: 0.85em; line-height: 1.35; }
    table.index td { white-space: normal; text-align: left; vertical-align: middle; } table.index td.n { text-align: right; white-space: nowrap; }
    table.index td.q { max-width: 28em; color: #444; }
    \(HoverScript.css)
    </style>
    </head>
    <body>

    """
}
