/// `curve.csv`: one row per epoch, from epoch 0 (before training).
///
/// Columns: `epoch, train_loss, validation_loss, train_accuracy,
/// validation_accuracy, learning_rate, grad_norm_1 … grad_norm_L`; blank where
/// a value does not apply (no validation split, regression, the learning rate
/// and gradient norms at epoch 0). The learning rate is that of the epoch's last step.
public enum CurveFile {
    public static func header(layers: Int) -> [String] {
        ["epoch", "train_loss", "validation_loss", "train_accuracy", "validation_accuracy", "learning_rate"]
            + (1 ... max(layers, 1)).map { "grad_norm_\($0)" }
    }

    public static func text(_ curve: [EpochRecord], layers: Int) -> String {
        var text = CSVText.line(header(layers: layers))
        for record in curve {
            let norms = record.gradientNorms.map { $0.map(CSVText.number) } ?? Array(repeating: "", count: layers)
            text += CSVText.line([String(record.epoch), CSVText.number(record.trainLoss), CSVText.number(record.validationLoss),
                                  CSVText.number(record.trainAccuracy), CSVText.number(record.validationAccuracy),
                                  CSVText.number(record.learningRate)] + norms)
        }
        return text
    }

    /// The columns before the gradient norms.
    public static let leadingColumns = 6

    /// Reads a curve written by `text`; nil when the text is not such a curve.
    public static func parse(_ text: String, layers: Int) -> [EpochRecord]? {
        let rows = CSVText.parse(text)
        guard rows.first == header(layers: layers), rows.count >= 2 else { return nil }
        var curve: [EpochRecord] = []
        for row in rows.dropFirst() {
            guard row.count == leadingColumns + layers, let epoch = Int(row[0]), let trainLoss = number(row[1]) else { return nil }
            let norms = row[leadingColumns...].map(number)
            curve.append(EpochRecord(epoch: epoch, trainLoss: trainLoss, validationLoss: number(row[2]),
                                     trainAccuracy: number(row[3]), validationAccuracy: number(row[4]),
                                     gradientNorms: norms.contains(nil) ? nil : norms.map { $0! }, learningRate: number(row[5])))
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
