import Foundation

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
        var bytes = Array(CSVText.line(header(layers: layers)).utf8)
        for record in curve { appendRow(record, layers: layers, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `record`'s row: numbers as `numberText` writes them, blank for nil
    /// (and for per-layer values of the wrong count).
    static func appendRow(_ record: EpochRecord, layers: Int, to bytes: inout [UInt8]) {
        func cell(_ x: Double?) {
            bytes.append(UInt8(ascii: ","))
            if let x { appendNumberText(x, to: &bytes) }
        }
        bytes += String(record.epoch).utf8
        cell(record.trainLoss)
        cell(record.validationLoss)
        cell(record.trainAccuracy)
        cell(record.validationAccuracy)
        cell(record.learningRate)
        let norms = record.gradientNorms.flatMap { $0.count == layers ? $0 : nil }
        for l in 0 ..< layers { cell(norms?[l]) }
        let units = record.deadFractions.count == layers && record.saturatedFractions.count == layers
        for l in 0 ..< layers { cell(units ? record.deadFractions[l] : nil) }
        for l in 0 ..< layers { cell(units ? record.saturatedFractions[l] : nil) }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// The columns before the gradient norms.
    public static let leadingColumns = 6

    /// Reads a curve written by `text` (or by the writer before the dead and
    /// saturated columns); nil when the text is not such a curve.
    public static func parse(_ text: String, layers: Int) -> [EpochRecord]? {
        var curve = CollectedCurve()
        var reader = CurveReader(expecting: layers)
        var text = text
        let parsed = text.withUTF8 { bytes in
            reader.takeLines(UnsafeRawBufferPointer(bytes), atEnd: true, into: &curve) != nil && reader.rows > 0
        }
        return parsed ? curve.records : nil
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
        var curve = CollectedCurve()
        return read(run, into: &curve) ? curve.records : nil
    }

    /// A run's curve reduced for a run of `epochs` planned epochs (`ReducedCurve`);
    /// nil when missing or not a curve. Its memory is bounded whatever the file's length.
    public static func reduced(_ run: RunFolder, epochs: Int) -> ReducedCurve? {
        var curve = ReducedCurve(epochs: epochs)
        guard read(run, into: &curve) else { return nil }
        curve.close()
        return curve
    }

    /// Streams a run's curve.csv into `sink` a chunk at a time; false when it is
    /// missing or not a curve (the sink may then have taken some rows).
    public static func read<Sink: CurveSink>(_ run: RunFolder, into sink: inout Sink) -> Bool {
        let descriptor = open(run.curve, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var reader = CurveReader(expecting: nil)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        while true {
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            let atEnd = count == 0
            filled += count
            let consumed = buffer.withUnsafeBytes { bytes in
                reader.takeLines(UnsafeRawBufferPointer(rebasing: bytes[..<filled]), atEnd: atEnd, into: &sink)
            }
            guard let consumed else { return false }
            if atEnd { return reader.rows > 0 }
            buffer.withUnsafeMutableBytes { bytes in
                if consumed > 0 { bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + consumed, byteCount: filled - consumed) }
            }
            filled -= consumed
        }
    }
}

/// Reads curve.csv a line at a time: the header, then each row into one reused
/// record handed to a sink. The header is checked against `expected` layers
/// when given, else the layer count is read off it.
private struct CurveReader {
    private let expected: Int?
    private var layers = -1
    private var hasUnitStates = false
    private(set) var rows = 0
    private var record = EpochRecord(epoch: 0, trainLoss: 0, validationLoss: nil, trainAccuracy: nil, validationAccuracy: nil, gradientNorms: nil)
    private var norms: [Double] = []
    private var cells: [Range<Int>] = []

    init(expecting expected: Int?) { self.expected = expected }

    /// Takes every whole line of `bytes`, and at the end of the file the last
    /// one too; the bytes taken (a partial last line waits for more), or nil
    /// when a line is not what a curve has there.
    mutating func takeLines<Sink: CurveSink>(_ bytes: UnsafeRawBufferPointer, atEnd: Bool, into sink: inout Sink) -> Int? {
        var start = 0
        while start < bytes.count {
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? (atEnd ? bytes.count : nil) else { break }
            guard take(UnsafeRawBufferPointer(rebasing: bytes[start ..< end]), into: &sink) else { return nil }
            start = end + 1
        }
        return min(start, bytes.count)
    }

    /// Takes one line (without its line feed); false when it is not what a curve has there.
    private mutating func take<Sink: CurveSink>(_ line: UnsafeRawBufferPointer, into sink: inout Sink) -> Bool {
        if layers < 0 { return readHeader(line) }
        cells.removeAll(keepingCapacity: true)
        var start = 0
        for i in 0 ..< line.count where line[i] == UInt8(ascii: ",") {
            cells.append(start ..< i)
            start = i + 1
        }
        cells.append(start ..< line.count)
        let leading = CurveFile.leadingColumns
        guard cells.count == leading + layers * (hasUnitStates ? 3 : 1), let epoch = integer(line, cells[0]),
              let trainLoss = number(line, cells[1]), let trainLoss,
              let validationLoss = number(line, cells[2]), let trainAccuracy = number(line, cells[3]),
              let validationAccuracy = number(line, cells[4]), let learningRate = number(line, cells[5]) else { return false }
        record.epoch = epoch
        record.trainLoss = trainLoss
        record.validationLoss = validationLoss
        record.trainAccuracy = trainAccuracy
        record.validationAccuracy = validationAccuracy
        record.learningRate = learningRate
        // The norms go into `norms`, then into the record only when every layer has one (not at epoch 0).
        var complete = true
        if norms.count != layers { norms = Array(repeating: 0, count: layers) }
        for l in 0 ..< layers {
            guard let norm = number(line, cells[leading + l]) else { return false }
            if let norm { norms[l] = norm } else { complete = false }
        }
        if !complete {
            record.gradientNorms = nil
        } else if record.gradientNorms?.count == layers {
            for l in 0 ..< layers { record.gradientNorms![l] = norms[l] }
        } else {
            record.gradientNorms = norms
        }
        if hasUnitStates {
            if record.deadFractions.count != layers {
                record.deadFractions = Array(repeating: nil, count: layers)
                record.saturatedFractions = Array(repeating: nil, count: layers)
            }
            for l in 0 ..< layers {
                guard let dead = number(line, cells[leading + layers + l]),
                      let saturated = number(line, cells[leading + 2 * layers + l]) else { return false }
                record.deadFractions[l] = dead
                record.saturatedFractions[l] = saturated
            }
        }
        sink.append(record)
        rows += 1
        return true
    }

    private mutating func readHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        let names = String(decoding: line, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let count = expected ?? names.filter { $0.hasPrefix("grad_norm_") }.count
        if names == CurveFile.header(layers: count) {
            hasUnitStates = true
        } else if names == CurveFile.legacyHeader(layers: count) {
            hasUnitStates = false
        } else {
            return false
        }
        layers = count
        return true
    }

    /// A whole-number cell.
    private func integer(_ line: UnsafeRawBufferPointer, _ cell: Range<Int>) -> Int? {
        guard !cell.isEmpty, cell.count <= 18 else { return nil }
        var value = 0
        for i in cell {
            let digit = Int(line[i]) - Int(UInt8(ascii: "0"))
            guard (0 ... 9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// A number cell as `numberText` writes it: .some(nil) for a blank, nil when not a number.
    private func number(_ line: UnsafeRawBufferPointer, _ cell: Range<Int>) -> Double?? {
        guard !cell.isEmpty else { return .some(nil) }
        // Swift's own reading (a small string for up to 15 bytes: no allocation), as `CurveFile.number`.
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[cell]), as: UTF8.self)
        return CurveFile.number(text).map { .some($0) }
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

/// A run's curve.csv written while the run trains (a `CurveSink`): rows are
/// formatted into a buffer and appended to the file's temporary name, so a
/// curve of any length takes a fixed amount of memory; `finish` renames the
/// file into place (atomic, as every result file). Dropped unfinished (an
/// interrupted run), it leaves no file.
public struct CurveWriter: CurveSink {
    private let file: ResultFileStream
    private let layers: Int
    private var buffer: [UInt8] = []

    /// Flushed to the file past this many bytes.
    private static let bufferSize = 1 << 16

    public init(_ run: RunFolder, layers: Int) throws(WriteError) {
        file = try ResultFileStream(path: run.curve)
        self.layers = layers
        buffer.reserveCapacity(CurveWriter.bufferSize + 4096)
        buffer += CSVText.line(CurveFile.header(layers: layers)).utf8
    }

    public mutating func append(_ record: EpochRecord) {
        CurveFile.appendRow(record, layers: layers, to: &buffer)
        if buffer.count >= CurveWriter.bufferSize { flush() }
    }

    /// Writes the last rows and renames the file into place.
    public mutating func finish() throws(WriteError) {
        flush()
        try file.commit()
    }

    private mutating func flush() {
        buffer.withUnsafeBytes { file.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
