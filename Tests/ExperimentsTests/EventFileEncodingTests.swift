import Foundation
import XCTest
@testable import Experiments

/// The hand-written TensorBoard encoding (`EventFileEncoding.swift`,
/// `TensorBoardEvent.swift`): CRC-32C's known answer, protobuf fields, and every
/// message nnlab writes byte for byte equal to what tensorboard's own protobuf
/// classes and record writer give (Tests/References/tensorboard_reference.py,
/// tensorboard 2.21, into tensorboard_reference.json).
final class EventFileEncodingTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Reference: Decodable {
        var crc32c: [String: UInt32]
        var masked_crc32c: [String: UInt32]
        var messages: [String: String]
        var record: String
    }

    static let reference: Reference? = {
        let url = packageRoot.appendingPathComponent("Tests/References/tensorboard_reference.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Reference.self, from: data)
    }()

    func reference() throws -> Reference {
        try XCTUnwrap(Self.reference, "Tests/References/tensorboard_reference.json is missing or unreadable")
    }

    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index ..< next], radix: 16)!)
            index = next
        }
        return result
    }

    func testCRC32CKnownAnswer() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([]), 0)
    }

    func testCRC32CAndItsMaskEqualTensorBoards() throws {
        let reference = try reference()
        XCTAssertEqual(reference.crc32c.count, 4)
        for (data, crc) in reference.crc32c {
            XCTAssertEqual(CRC32C.checksum(bytes(data)), crc, data)
        }
        for (data, masked) in reference.masked_crc32c {
            XCTAssertEqual(CRC32C.masked(bytes(data)), masked, data)
        }
    }

    /// Field keys and values as the protobuf encoding guide spells them out.
    func testProtobufFields() {
        var message = ProtobufMessage()
        message.varint(1, 150)
        XCTAssertEqual(hex(message.bytes), "089601")
        message = ProtobufMessage()
        message.varint(2, -1)
        XCTAssertEqual(hex(message.bytes), "10ffffffffffffffffff01")
        message = ProtobufMessage()
        message.string(2, "testing")
        XCTAssertEqual(hex(message.bytes), "120774657374696e67")
        message = ProtobufMessage()
        message.double(1, 1)
        message.float(2, 0.25)
        XCTAssertEqual(hex(message.bytes), "09000000000000f03f150000803e")
        message = ProtobufMessage()
        message.packedDoubles(6, [1, 2])
        XCTAssertEqual(hex(message.bytes), "3210000000000000f03f0000000000000040")
        var outer = ProtobufMessage()
        outer.message(3, message)
        XCTAssertEqual(hex(outer.bytes), "1a123210000000000000f03f0000000000000040")
        // A field number past 15 takes a two-byte key.
        message = ProtobufMessage()
        message.varint(16, 1)
        XCTAssertEqual(hex(message.bytes), "800101")
    }

    func testRecordFramingEqualsTensorBoardsRecordWriter() throws {
        XCTAssertEqual(hex(TFRecord.frame(TensorBoardEvent.fileVersion().bytes)), try reference().record)
    }

    func testEveryMessageEqualsTensorBoardsSerialization() throws {
        let messages = try reference().messages
        XCTAssertEqual(hex(TensorBoardEvent.fileVersion().bytes), messages["file_version"])
        let scalars = TensorBoardEvent.summary(wallTime: 3, step: 3, [
            TensorBoardEvent.scalar(tag: "loss/train", 0.25),
            TensorBoardEvent.scalar(tag: "accuracy/validation", 0),
            TensorBoardEvent.scalar(tag: "grad_norm/layer_1", .infinity),
        ])
        XCTAssertEqual(hex(scalars.bytes), messages["scalars"])
        let histogram = TensorBoardEvent.summary(wallTime: 12, step: 12, [
            TensorBoardEvent.histogram(tag: "weights/layer_1", Histogram([-1, 0.5, 2, 2], buckets: 3)),
        ])
        XCTAssertEqual(hex(histogram.bytes), messages["histogram"])
        let start = TensorBoardEvent.summary(wallTime: 0, step: 0, [
            TensorBoardEvent.sessionStart(["optimizer.learning_rate": .number(0.01), "model.activation": .string("relu"),
                                           "training.shuffle": .bool(true), "seed": .number(0)], startTime: 0),
        ])
        XCTAssertEqual(hex(start.bytes), messages["session_start"])
        let end = TensorBoardEvent.summary(wallTime: 12, step: 12, [TensorBoardEvent.sessionEnd(succeeded: false, endTime: 12)])
        XCTAssertEqual(hex(end.bytes), messages["session_end"])
        let experiment = TensorBoardEvent.summary(wallTime: 0, step: 0, [TensorBoardEvent.experiment(
            hparams: [HParamInfo(name: "optimizer.learning_rate", values: [.number(0.01), .number(0.1), .number(0.01)]),
                      HParamInfo(name: "model.activation", values: [.string("relu"), .string("tanh"), .string("relu")]),
                      HParamInfo(name: "training.shuffle", values: [.bool(true), .bool(true)]),
                      HParamInfo(name: "seed", values: [.number(0), .number(0)])],
            metrics: [MetricInfo(tag: "loss/validation", displayName: "validation_loss", training: false),
                      MetricInfo(tag: "accuracy/train", displayName: "train_accuracy", training: true)])])
        XCTAssertEqual(hex(experiment.bytes), messages["experiment"])
    }

    /// Equal-width buckets from the least value to the greatest, the greatest in the last.
    func testHistogramBuckets() {
        let histogram = Histogram([-1, 0.5, 2, 2], buckets: 3)
        XCTAssertEqual([histogram.min, histogram.max, Double(histogram.count), histogram.sum, histogram.sumOfSquares],
                       [-1, 2, 4, 3.5, 9.25])
        XCTAssertEqual(histogram.bucketLimits, [0, 1, 2])
        XCTAssertEqual(histogram.bucketCounts, [1, 1, 2])
        let constant = Histogram([0.5, 0.5])
        XCTAssertEqual(constant.bucketLimits, [0.5])
        XCTAssertEqual(constant.bucketCounts, [2])
        XCTAssertEqual(Histogram((0 ..< 300).map(Double.init)).bucketCounts, Array(repeating: 10, count: 30))
    }

    /// Mixed values make a text hyperparameter; its values then show as text.
    func testHParamTypes() {
        XCTAssertEqual(HParamInfo(name: "x", values: [.number(1), .number(2)]).type, .number)
        XCTAssertEqual(HParamInfo(name: "x", values: [.bool(true), .bool(false)]).type, .bool)
        let mixed = HParamInfo(name: "training.batch_size", values: [.number(32), .string("full"), .number(32)])
        XCTAssertEqual(mixed.type, .string)
        XCTAssertEqual(mixed.distinctValues, [.string("32"), .string("full")])
    }
}
