/// A model as bytes, for PostgreSQL (`bytea`) and files: little-endian, with a
/// tag per section so a truncated or foreign blob is refused, not misread.
public struct ModelWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func tag(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func integer(_ value: Int) { scalar(UInt64(value)) }

    public mutating func float(_ value: Double) { scalar(value.bitPattern) }

    public mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        integer(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    public mutating func strings(_ values: [String]) {
        integer(values.count)
        for value in values { string(value) }
    }

    mutating func scalar<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func array<T: FixedWidthInteger>(_ values: [T]) {
        integer(values.count)
        for value in values { scalar(value) }
    }
}

public struct ModelReader {
    public struct Malformed: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "malformed model: \(reason)" }

        public init(reason: String) { self.reason = reason }
    }

    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func expect(_ text: StaticString) throws(Malformed) {
        let expected = text.withUTF8Buffer { Array($0) }
        guard offset + expected.count <= bytes.count, Array(bytes[offset..<offset + expected.count]) == expected else {
            throw Malformed(reason: "expected section '\(text)' at byte \(offset)")
        }
        offset += expected.count
    }

    public mutating func integer() throws(Malformed) -> Int {
        let value: UInt64 = try scalar()
        guard value <= UInt64(Int32.max) else { throw Malformed(reason: "count \(value) at byte \(offset) is out of range") }
        return Int(value)
    }

    public mutating func float() throws(Malformed) -> Double { Double(bitPattern: try scalar()) }

    public mutating func string() throws(Malformed) -> String {
        let count = try integer()
        guard offset + count <= bytes.count else { throw Malformed(reason: "string past the end") }
        defer { offset += count }
        return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
    }

    public mutating func strings() throws(Malformed) -> [String] {
        let count = try integer()
        var values: [String] = []
        for _ in 0..<count { values.append(try string()) }
        return values
    }

    mutating func scalar<T: FixedWidthInteger>() throws(Malformed) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw Malformed(reason: "ends at byte \(bytes.count), inside a value") }
        var value: T = 0
        for index in 0..<size { value |= T(bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }

    mutating func array<T: FixedWidthInteger>() throws(Malformed) -> [T] {
        try array(of: T.self) { $0 }
    }

    /// Decodes straight into the result, with no array of raw values in between: a model's
    /// weights are megabytes, and dispatch's memory peaks while it loads one.
    mutating func array<Bits: FixedWidthInteger, Value>(of _: Value.Type, _ convert: (Bits) -> Value) throws(Malformed) -> [Value] {
        let count = try integer()
        guard offset + count * MemoryLayout<Bits>.size <= bytes.count else { throw Malformed(reason: "array of \(count) past the end") }
        var values: [Value] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(convert(try scalar())) }
        return values
    }
}

extension SoftmaxRegression {
    public func encode(into writer: inout ModelWriter) {
        writer.tag("SMR3")
        writer.integer(classCount)
        // Keys in row order (ascending), so the weights need no index of their own.
        writer.array(keys)
        writer.array(idf.map(\.bitPattern))
        writer.array(weights.map(\.bitPattern))
        writer.array(bias.map(\.bitPattern))
    }

    public init(from reader: inout ModelReader) throws(ModelReader.Malformed) {
        try reader.expect("SMR3")
        let classCount = try reader.integer()
        let keys: [UInt32] = try reader.array()
        let idf = try reader.array(of: Float16.self) { Float16(bitPattern: $0) }
        let weights = try reader.array(of: Float16.self) { Float16(bitPattern: $0) }
        let bias = try reader.array(of: Float.self) { Float(bitPattern: $0) }
        guard classCount > 0, idf.count == keys.count, weights.count == keys.count * classCount, bias.count == classCount else {
            throw ModelReader.Malformed(reason: "weights do not fit \(keys.count) features × \(classCount) classes")
        }
        // Models stored before keys were kept sorted list them in first-seen order.
        if zip(keys, keys.dropFirst()).allSatisfy({ $0 < $1 }) {
            self.init(classCount: classCount, keys: keys, idf: idf, weights: weights, bias: bias)
        } else {
            guard Set(keys).count == keys.count else { throw ModelReader.Malformed(reason: "a feature listed twice") }
            self = .sorted(classCount: classCount, keys: keys, idf: idf, weights: weights, bias: bias)
        }
    }
}
