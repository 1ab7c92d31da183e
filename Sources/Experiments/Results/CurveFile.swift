/// `curve.csv`: one row per epoch, from epoch 0 (before training).
///
/// Columns: `epoch, train_loss, validation_loss, train_accuracy,
/// validation_accuracy, learning_rate, grad_norm_1 … grad_norm_L, dead_1 …
/// dead_L, saturated_1 … saturated_L`; blank where a value does not apply (no
/// validation split, regression, the learning rate and gradient norms at epoch
/// 0, dead_l where layer l's activation has no dead units, saturated_l where it
/// does not saturate). The learning rate is that of the epoch's last step;
/// dead_l and saturated_l are `UnitState`'s fractions on the training set,
/// after the epoch (epoch 0: at the initial weights).
///
/// Curves written before the dead and saturated columns existed (the header
/// ends at grad_norm_L) are read as well, with those fractions unknown.
public enum CurveFile {
    public static func header(layers: Int) -> [String] {
        legacyHeader(layers: layers)
            + (1 ... max(layers, 1)).map { "dead_\($0)" } + (1 ... max(layers, 1)).map { "saturated_\($0)" }
    }

    /// The header of curves written before the dead and saturated columns.
    static func legacyHeader(layers: Int) -> [String] {
        ["epoch", "train_loss", "validation_loss", "train_accuracy", "validation_accuracy", "learning_rate"]
            + (1 ... max(layers, 1)).map { "grad_norm_\($0)" }
    }

    public static func text(_ curve: [EpochRecord], layers: Int) -> String {
        var text = CSVText.line(header(layers: layers))
        let blanks = Array(repeating: "", count: layers)
        func cells(_ values: [Double?]) -> [String] {
            values.count == layers ? values.map(CSVText.number) : blanks
        }
        for record in curve {
            let norms = record.gradientNorms.map { $0.map(CSVText.number) } ?? blanks
            text += CSVText.line([String(record.epoch), CSVText.number(record.trainLoss), CSVText.number(record.validationLoss),
                                  CSVText.number(record.trainAccuracy), CSVText.number(record.validationAccuracy),
                                  CSVText.number(record.learningRate)] + norms
                                 + cells(record.deadFractions) + cells(record.saturatedFractions))
        }
        return text
    }

    /// The columns before the gradient norms.
    public static let leadingColumns = 6

    /// Reads a curve written by `text` (or by the writer before the dead and
    /// saturated columns); nil when the text is not such a curve.
    public static func parse(_ text: String, layers: Int) -> [EpochRecord]? {
        let rows = CSVText.parse(text)
        guard let first = rows.first, rows.count >= 2 else { return nil }
        let hasUnitStates: Bool
        if first == header(layers: layers) {
            hasUnitStates = true
        } else if first == legacyHeader(layers: layers) {
            hasUnitStates = false
        } else {
            return nil
        }
        let width = leadingColumns + layers * (hasUnitStates ? 3 : 1)
        var curve: [EpochRecord] = []
        for row in rows.dropFirst() {
            guard row.count == width, let epoch = Int(row[0]), let trainLoss = number(row[1]) else { return nil }
            let norms = row[leadingColumns ..< leadingColumns + layers].map(number)
            var record = EpochRecord(epoch: epoch, trainLoss: trainLoss, validationLoss: number(row[2]),
                                     trainAccuracy: number(row[3]), validationAccuracy: number(row[4]),
                                     gradientNorms: norms.contains(nil) ? nil : norms.map { $0! }, learningRate: number(row[5]))
            if hasUnitStates {
                let dead = leadingColumns + layers
                record.deadFractions = row[dead ..< dead + layers].map(number)
                record.saturatedFractions = row[dead + layers ..< dead + 2 * layers].map(number)
            }
            curve.append(record)
        }
        return curve
    }

    /// A number written by `numberText`, or nil for a blank.
    static func number(_ text: String) -> Double? {
        switch text {
        case "": return nil
        case "nan": return .nan
        case "inf": return .infinity
        case "-inf": return -.infinity
        default: return Double(text)
        }
    }
}

extension CurveFile {
    public static func write(_ curve: [EpochRecord], layers: Int, to run: RunFolder) throws(WriteError) {
        try ResultFiles.write(text(curve, layers: layers), to: run.curve)
    }

    /// A run's curve, its layer count read off the header; nil when missing or not a curve.
    public static func read(_ run: RunFolder) -> [EpochRecord]? {
        guard let data = ResultFiles.read(run.curve) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        let layers = text.prefix { $0 != "\n" }.split(separator: ",").filter { $0.hasPrefix("grad_norm_") }.count
        return parse(text, layers: layers)
    }
}

/// A curve read by its header alone, every column kept, for the exports: a
/// column added to `curve.csv` flows through them with no change.
public struct CurveTable: Sendable, Equatable {
    /// The columns after `epoch`, in the file's order.
    public var columns: [String]
    /// The epochs, one per row.
    public var epochs: [Int]
    /// Per row, per column: the number, or nil for a blank cell.
    public var rows: [[Double?]]
}

extension CurveFile {
    /// A run's curve with every column; nil when missing or not a curve
    /// (no `epoch` first, a row of the wrong width, a cell that is not a number).
    public static func table(_ run: RunFolder) -> CurveTable? {
        guard let data = ResultFiles.read(run.curve) else { return nil }
        return table(String(decoding: data, as: UTF8.self))
    }

    static func table(_ text: String) -> CurveTable? {
        let lines = CSVText.parse(text)
        guard let header = lines.first, header.first == "epoch", lines.count >= 2 else { return nil }
        var table = CurveTable(columns: Array(header.dropFirst()), epochs: [], rows: [])
        for line in lines.dropFirst() {
            guard line.count == header.count, let epoch = Int(line[0]) else { return nil }
            var row: [Double?] = []
            for cell in line.dropFirst() {
                guard let x = number(cell) else {
                    guard cell.isEmpty else { return nil }
                    row.append(nil)
                    continue
                }
                row.append(x)
            }
            table.epochs.append(epoch)
            table.rows.append(row)
        }
        return table
    }
}
