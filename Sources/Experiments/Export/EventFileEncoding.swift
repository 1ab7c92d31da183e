/// The byte encodings of a TensorBoard events file, written by hand (no package):
/// CRC-32C, protobuf fields, TFRecord framing. `TensorBoardEvent` builds the
/// messages from these; `EventFileEncodingTests` checks them against golden
/// bytes from the protobuf and TensorBoard Python packages
/// (Tests/References/tensorboard_reference.py).

/// CRC-32C (Castagnoli): the reflected polynomial 0x82F63B78, initial value and
/// final xor 0xFFFFFFFF, as TFRecord framing uses it; crc32c("123456789") = 0xE3069283.
enum CRC32C {
    static let table: [UInt32] = (0 ..< 256).map { (byte: UInt32) -> UInt32 in
        var crc = byte
        for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// TFRecord's masked CRC: the checksum rotated right by 15 bits plus
    /// 0xA282EAD8 (mod 2³²), so that a CRC of bytes holding CRCs stays strong.
    static func masked(_ bytes: [UInt8]) -> UInt32 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// TFRecord framing of one record: its length (uint64, little-endian), the
/// masked CRC-32C of those 8 bytes (uint32 LE), the data, the masked CRC-32C of
/// the data (uint32 LE).
enum TFRecord {
    static func frame(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndian(UInt64(data.count), bytes: 8)
        return length + littleEndian(UInt64(CRC32C.masked(length)), bytes: 4) + data
            + littleEndian(UInt64(CRC32C.masked(data)), bytes: 4)
    }

    static func littleEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0 ..< bytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}

/// A protobuf message being written, field by field. Each field is its key,
/// varint(number << 3 | wire type), then its value: wire type 0 a varint (7 bits
/// per byte, low first, high bit set on all but the last), 1 eight bytes LE
/// (double), 5 four bytes LE (float), 2 a varint length and the bytes (string,
/// bytes, message, packed repeated numbers).
///
/// Callers append fields in field-number order and leave out proto3 fields at
/// their default value (except members of a `oneof`, which are always written),
/// as protobuf's own serializers do: then the bytes are the canonical ones.
struct ProtobufMessage: Equatable {
    private(set) var bytes: [UInt8] = []

    private mutating func key(_ field: Int, wireType: UInt64) {
        appendVarint(UInt64(field) << 3 | wireType)
    }

    private mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// An int64, enum or bool field (negative numbers take ten bytes, as two's complement).
    mutating func varint(_ field: Int, _ value: Int64) {
        key(field, wireType: 0)
        appendVarint(UInt64(bitPattern: value))
    }

    mutating func double(_ field: Int, _ x: Double) {
        key(field, wireType: 1)
        bytes += TFRecord.littleEndian(x.bitPattern, bytes: 8)
    }

    mutating func float(_ field: Int, _ x: Float) {
        key(field, wireType: 5)
        bytes += TFRecord.littleEndian(UInt64(x.bitPattern), bytes: 4)
    }

    mutating func bytes(_ field: Int, _ data: [UInt8]) {
        key(field, wireType: 2)
        appendVarint(UInt64(data.count))
        bytes += data
    }

    mutating func string(_ field: Int, _ text: String) {
        bytes(field, Array(text.utf8))
    }

    mutating func message(_ field: Int, _ message: ProtobufMessage) {
        bytes(field, message.bytes)
    }

    /// A packed repeated double field (proto3's encoding of `repeated double`).
    mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        bytes(field, values.flatMap { TFRecord.littleEndian($0.bitPattern, bytes: 8) })
    }
}
