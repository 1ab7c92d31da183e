import Foundation
import NeuralNetwork

/// A problem with a CSV data file, with its position.
///
/// `line` is the 1-based line in the file (the header is line 1; a record
/// with a quoted line break is reported at the line where it starts);
/// `column` is the 1-based field number. `message` is lowercase and carries
/// no file prefix: the error renderer writes `path:line:column: error: message`.
public struct CSVError: Error, Sendable, Equatable {
    public var path: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }
}

/// The `csv` source of SPEC §3.1: a data set read from a CSV file.
///
/// The format:
///
/// - A header row of column names is required; every column except `target`
///   is an input feature, in file order.
/// - RFC 4180 quoting: a field in double quotes may hold commas, line breaks
///   and quotes written twice (`""`). Spaces and tabs around a field are
///   trimmed, in the header too.
/// - Lines end in LF, CRLF or CR; a final line break is optional; blank lines
///   (empty or only spaces) are skipped wherever they are. A UTF-8 byte order
///   mark is ignored.
/// - Input cells and regression targets must be finite numbers as Swift's
///   `Double(String)` reads them; `nan` and `inf` are refused since they
///   cannot train.
/// - Classification labels may be integers or text. The classes are the
///   distinct labels sorted: numerically when every label is an integer
///   (so 2 < 9 < 10, and "01" is the class "1"), otherwise by Swift's
///   `String` order (Unicode code points). Class i is `classNames[i]`.
/// - The text must be UTF-8; a field that is not is an error naming its row
///   and column (decoding it would turn distinct labels into one).
/// - Files over `maximumFileSize` bytes are refused before they are read (a
///   symbolic link is followed, and the limit holds for the bytes read).
public enum CSVData {
    /// The largest file `load` reads: 1 GiB.
    public static let maximumFileSize = 1 << 30

    /// Reads the CSV file at `path` (as the process opens it); errors name
    /// `displayPath` (as the user wrote it, e.g. relative to the experiment).
    public static func load(path: String, target: String, task: LearningTask.Kind,
                            displayPath: String? = nil) throws(CSVError) -> Dataset {
        let shownPath = displayPath ?? path
        switch readFile(at: path, limit: maximumFileSize, kind: "CSV file") {
        case .failure(let problem): throw CSVError(path: shownPath, message: problem.message)
        case .success(let contents): return try parse([UInt8](contents), target: target, task: task, displayPath: shownPath)
        }
    }

    /// Reads CSV text already in memory; errors name `displayPath`.
    public static func parse(_ text: String, target: String, task: LearningTask.Kind,
                             displayPath: String) throws(CSVError) -> Dataset {
        try parse(Array(text.utf8), target: target, task: task, displayPath: displayPath)
    }

    static func parse(_ bytes: [UInt8], target: String, task: LearningTask.Kind,
                      displayPath path: String) throws(CSVError) -> Dataset {
        var reader = RecordReader(bytes: bytes, path: path)

        // The header.
        guard let header = try reader.next() else {
            throw CSVError(path: path, message: "empty file: expected a header row and data rows")
        }
        let headerLine = header.line
        let names = header.fields
        if names.allSatisfy({ Double($0) != nil }) {
            throw CSVError(path: path, line: headerLine,
                           message: "row \(headerLine): expected a header row of column names, found only numbers")
        }
        var firstColumn: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            if name.isEmpty {
                throw CSVError(path: path, line: headerLine, column: index + 1,
                               message: "row \(headerLine), column \(index + 1): empty column name")
            }
            if let earlier = firstColumn[name] {
                throw CSVError(path: path, line: headerLine, column: index + 1,
                               message: "row \(headerLine), column \(index + 1): duplicate column name \(quoted(name)) (also column \(earlier + 1))")
            }
            firstColumn[name] = index
        }
        // One column whose name holds ';' or a tab: the file is likely separated by it.
        var delimiterHint = ""
        if names.count == 1, let name = names.first {
            if name.contains(";") {
                delimiterHint = "; the header looks separated by ';', but nnlab reads comma-separated files"
            } else if name.contains("\t") {
                delimiterHint = "; the header looks separated by tabs, but nnlab reads comma-separated files"
            }
        }
        guard let targetIndex = firstColumn[target] else {
            if !delimiterHint.isEmpty {
                throw CSVError(path: path, line: headerLine,
                               message: "row \(headerLine): no column \(quoted(target)) for the target, only the one column \(quoted(names[0]))\(delimiterHint)")
            }
            var message = "row \(headerLine): no column \(quoted(target)) for the target"
            if let suggestion = nearestName(to: target, in: names) {
                message += "; did you mean \(quoted(suggestion))?"
            } else {
                let shown = names.prefix(10).map(quoted).joined(separator: ", ")
                message += " (columns: \(shown)\(names.count > 10 ? ", … \(names.count - 10) more" : ""))"
            }
            throw CSVError(path: path, line: headerLine, message: message)
        }
        let featureIndices = names.indices.filter { $0 != targetIndex }
        guard !featureIndices.isEmpty else {
            throw CSVError(path: path, line: headerLine,
                           message: "row \(headerLine): no input columns; every column except the target \(quoted(target)) is an input\(delimiterHint)")
        }

        // The data rows.
        var inputs: [Double] = []
        var targetValues: [Double] = []
        var labelTexts: [String] = []
        var rowCount = 0
        while let record = try reader.next() {
            let line = record.line
            let fields = record.fields
            guard fields.count == names.count else {
                throw CSVError(path: path, line: line,
                               message: "row \(line) has \(fields.count) field\(fields.count == 1 ? "" : "s"), expected \(names.count)")
            }
            func number(_ index: Int) throws(CSVError) -> Double {
                let text = fields[index]
                guard let value = Double(text) else {
                    throw CSVError(path: path, line: line, column: index + 1,
                                   message: "row \(line), column \(quoted(names[index])) (\(index + 1)): expected a number, found \(quoted(text))")
                }
                guard value.isFinite else {
                    throw CSVError(path: path, line: line, column: index + 1,
                                   message: "row \(line), column \(quoted(names[index])) (\(index + 1)): expected a finite number, found \(quoted(text))")
                }
                return value
            }
            for index in featureIndices {
                inputs.append(try number(index))
            }
            switch task {
            case .classification:
                let label = fields[targetIndex]
                guard !label.isEmpty else {
                    throw CSVError(path: path, line: line, column: targetIndex + 1,
                                   message: "row \(line), column \(quoted(target)) (\(targetIndex + 1)): empty class label")
                }
                labelTexts.append(label)
            case .regression:
                targetValues.append(try number(targetIndex))
            }
            rowCount += 1
        }
        guard rowCount > 0 else {
            throw CSVError(path: path, message: "no data rows after the header")
        }

        let matrix = Matrix(rows: rowCount, columns: featureIndices.count, elements: inputs)
        let featureNames = featureIndices.map { names[$0] }
        switch task {
        case .regression:
            return Dataset(inputs: matrix, targets: Matrix(rows: rowCount, columns: 1, elements: targetValues),
                           featureNames: featureNames)
        case .classification:
            let (classNames, labels) = classes(of: labelTexts)
            guard classNames.count >= 2 else {
                throw CSVError(path: path, column: targetIndex + 1,
                               message: "column \(quoted(target)) (\(targetIndex + 1)) has only 1 class (\(quoted(classNames[0]))); classification needs at least 2")
            }
            return Dataset(inputs: matrix, labels: labels, classNames: classNames, featureNames: featureNames)
        }
    }

    /// The sorted distinct classes and each row's class index: integers
    /// numerically when every label is one, otherwise text in `String` order.
    private static func classes(of texts: [String]) -> (classNames: [String], labels: [Int]) {
        let integers = texts.compactMap { Int($0) }
        if integers.count == texts.count {
            let distinct = Array(Set(integers)).sorted()
            let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
            return (distinct.map(String.init), integers.map { index[$0] ?? 0 })
        }
        let distinct = Array(Set(texts)).sorted()
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
        return (distinct, texts.map { index[$0] ?? 0 })
    }

    private static func quoted(_ text: String) -> String {
        quotedText(text)
    }
}

// MARK: - Records

/// Splits CSV bytes into records (RFC 4180), skipping blank lines and
/// trimming spaces and tabs around every field.
private struct RecordReader {
    let bytes: [UInt8]
    let path: String
    /// The next byte to read.
    var position = 0
    /// The 1-based line `position` is on.
    var line = 1

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","),
                       cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"),
                       space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            position = 3
        }
    }

    /// The next non-blank record and the line it starts on, or nil at the end.
    mutating func next() throws(CSVError) -> (fields: [String], line: Int)? {
        while position < bytes.count {
            let start = line
            let (fields, sawQuote) = try record()
            if !sawQuote && fields.count == 1 && fields[0].isEmpty {
                continue  // a blank line
            }
            return (fields, start)
        }
        return nil
    }

    /// Reads one record through its line break. `sawQuote` tells a quoted
    /// empty field from a blank line.
    private mutating func record() throws(CSVError) -> (fields: [String], sawQuote: Bool) {
        let recordLine = line
        var fields: [String] = []
        var sawQuote = false
        while true {
            // Skip spaces before a possible opening quote.
            var look = position
            while look < bytes.count, bytes[look] == Self.space || bytes[look] == Self.tab { look += 1 }
            var field: [UInt8] = []
            if look < bytes.count, bytes[look] == Self.quote {
                sawQuote = true
                let fieldNumber = fields.count + 1
                position = look + 1
                while true {
                    guard position < bytes.count else {
                        throw CSVError(path: path, line: recordLine, column: fieldNumber,
                                       message: "row \(recordLine), column \(fieldNumber): quoted field is not closed")
                    }
                    let byte = bytes[position]
                    if byte == Self.quote {
                        if position + 1 < bytes.count, bytes[position + 1] == Self.quote {
                            field.append(Self.quote)
                            position += 2
                        } else {
                            position += 1
                            break
                        }
                    } else {
                        if byte == Self.lf || (byte == Self.cr && !(position + 1 < bytes.count && bytes[position + 1] == Self.lf)) {
                            line += 1
                        }
                        field.append(byte)
                        position += 1
                    }
                }
                while position < bytes.count, bytes[position] == Self.space || bytes[position] == Self.tab { position += 1 }
                if position < bytes.count, !Self.endsField(bytes[position]) {
                    throw CSVError(path: path, line: recordLine, column: fieldNumber,
                                   message: "row \(recordLine), column \(fieldNumber): unexpected text after a closing quote; write a quote inside a quoted field as \"\"")
                }
            } else {
                while position < bytes.count, !Self.endsField(bytes[position]) {
                    field.append(bytes[position])
                    position += 1
                }
            }
            guard let text = Self.trimmed(field) else {
                throw CSVError(path: path, line: recordLine, column: fields.count + 1,
                               message: "row \(recordLine), column \(fields.count + 1): the text is not valid UTF-8")
            }
            fields.append(text)
            // The delimiter: a comma starts another field; a line break or the end ends the record.
            guard position < bytes.count else { return (fields, sawQuote) }
            let byte = bytes[position]
            position += 1
            if byte == Self.comma { continue }
            if byte == Self.cr, position < bytes.count, bytes[position] == Self.lf { position += 1 }
            line += 1
            return (fields, sawQuote)
        }
    }

    private static func endsField(_ byte: UInt8) -> Bool {
        byte == comma || byte == lf || byte == cr
    }

    /// The field without spaces and tabs around it, or nil when it is not valid UTF-8.
    private static func trimmed(_ bytes: [UInt8]) -> String? {
        var low = 0, high = bytes.count
        while low < high, bytes[low] == space || bytes[low] == tab { low += 1 }
        while high > low, bytes[high - 1] == space || bytes[high - 1] == tab { high -= 1 }
        return String(validating: bytes[low ..< high], as: UTF8.self)
    }
}
