import Foundation

/// One problem with one field of a request; `field` is a dotted path
/// (`location.district`, `attachments[2].url`).
public struct FieldError: Sendable, Hashable, Codable, Error {
    public var field: String
    public var reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// Every size and count intake accepts; one place, so the API document and the checks agree.
public struct AppealLimits: Sendable, Hashable {
    public var maxBodyBytes = 64 * 1024
    public var maxTextCharacters = 2000
    public var maxChannelRefCharacters = 64
    public var maxAddressCharacters = 200
    public var maxCommunityCharacters = 50
    public var maxAttachments = 10
    public var maxURLCharacters = 1024

    public init() {}
}

/// Turns a request body into an `Appeal`, or into every field error at once.
/// Pure: tested table by table, and the only gate between the network and the store.
public struct AppealValidator: Sendable {
    public var limits: AppealLimits
    /// The channels this endpoint files appeals for.
    public var channels: Set<Channel>

    public init(limits: AppealLimits = AppealLimits(), channels: Set<Channel> = Channel.direct) {
        self.limits = limits
        self.channels = channels
    }

    public func validate(_ body: JSONValue) -> Result<Appeal, ValidationFailure> {
        var errors: [FieldError] = []
        guard case .object(let root) = body else {
            return .failure(ValidationFailure([FieldError("body", "must be a JSON object")]))
        }
        var reader = ObjectReader(root, path: "", errors: errors)
        reader.rejectUnknown(["channel", "channel_ref", "type", "urgent", "text", "location", "contact", "attachments"])

        var channel = reader.enumeration("channel", Channel.self)
        if let given = channel, !channels.contains(given) {
            reader.fail("channel", "'\(given.rawValue)' appeals are not filed here; one of \(channels.map(\.rawValue).sorted().joined(separator: ", "))")
            channel = nil
        }
        let channelRef = reader.string("channel_ref", maxCharacters: limits.maxChannelRefCharacters)
        if let channelRef, channelRef.contains(where: { $0.isWhitespace || $0.isNewline }) {
            reader.fail("channel_ref", "must not contain whitespace")
        }
        let type = reader.enumeration("type", AppealType.self)
        let urgent = reader.bool("urgent", required: false) ?? false
        let text = reader.string("text", maxCharacters: limits.maxTextCharacters)

        // A place is optional: a consultation ("公积金怎么提取？") or a city-level duty needs none,
        // and a district or street duty whose text names no place goes to a human dispatcher.
        var location = Location()
        if let object = reader.object("location", required: false) {
            var inner = ObjectReader(object, path: "location.", errors: reader.errors)
            inner.rejectUnknown(["district", "street", "community", "address", "coordinates"])
            location.districtCode = inner.string("district", required: false, maxCharacters: 32)
            location.streetCode = inner.string("street", required: false, maxCharacters: 64)
            location.community = inner.string("community", required: false, maxCharacters: limits.maxCommunityCharacters)
            location.address = inner.string("address", required: false, maxCharacters: limits.maxAddressCharacters)
            if let code = location.districtCode, Territory.district(code: code) == nil {
                inner.fail("district", "unknown district '\(code)'; one of \(Territory.districts.map(\.code).joined(separator: ", "))")
            }
            if let code = location.streetCode {
                if let street = Territory.street(code: code) {
                    if let district = location.districtCode, district != street.districtCode {
                        inner.fail("street", "street '\(code)' is not in district '\(district)'")
                    }
                    location.districtCode = street.districtCode
                } else {
                    inner.fail("street", "unknown street office '\(code)' (codes look like 'longhua.longhua')")
                }
            }
            if let coordinates = inner.object("coordinates", required: false) {
                var point = ObjectReader(coordinates, path: "location.coordinates.", errors: inner.errors)
                point.rejectUnknown(["lat", "lng"])
                let lat = point.number("lat", in: 22.0...23.5)
                let lng = point.number("lng", in: 113.5...115.8)
                if let lat, let lng { location.coordinates = Coordinates(latitude: lat, longitude: lng) }
                inner.errors = point.errors
            }
            if location.districtCode == nil, location.address == nil, location.coordinates == nil {
                inner.fail("address", "give a district, an address or coordinates")
            }
            reader.errors = inner.errors
        }

        var contact = Contact(phone: nil, anonymous: false)
        if let object = reader.object("contact", required: true) {
            var inner = ObjectReader(object, path: "contact.", errors: reader.errors)
            inner.rejectUnknown(["phone", "anonymous", "verified"])
            contact.anonymous = inner.bool("anonymous", required: false) ?? false
            contact.verified = inner.bool("verified", required: false)
            contact.phone = inner.string("phone", required: !contact.anonymous, maxCharacters: 20)
            if let phone = contact.phone {
                if let normalized = PhoneNumber.normalize(phone) {
                    contact.phone = normalized
                } else {
                    inner.fail("phone", "not a mainland mobile (11 digits from 13-19) or landline (0 + area code + number)")
                }
            }
            reader.errors = inner.errors
        }

        var attachments: [Attachment] = []
        if let items = reader.array("attachments", required: false) {
            if items.count > limits.maxAttachments {
                reader.fail("attachments", "at most \(limits.maxAttachments) attachments")
            } else {
                for (index, item) in items.enumerated() {
                    let path = "attachments[\(index)]."
                    guard case .object(let object) = item else {
                        reader.errors.append(FieldError("attachments[\(index)]", "must be an object"))
                        continue
                    }
                    var inner = ObjectReader(object, path: path, errors: reader.errors)
                    inner.rejectUnknown(["url", "media"])
                    let url = inner.string("url", maxCharacters: limits.maxURLCharacters)
                    let media = inner.enumeration("media", MediaType.self)
                    if let url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.contains(where: \.isWhitespace) {
                        inner.fail("url", "must be an http(s) URL without spaces")
                    }
                    if let url, let media { attachments.append(Attachment(url: url, media: media)) }
                    reader.errors = inner.errors
                }
            }
        }
        errors = reader.errors

        guard errors.isEmpty, let channel, let channelRef, let type, let text else {
            return .failure(ValidationFailure(errors))
        }
        return .success(Appeal(channel: channel, channelRef: channelRef, type: type, urgent: urgent, text: text,
                               location: location, contact: contact, attachments: attachments))
    }
}

public struct ValidationFailure: Error, Sendable, Hashable {
    public var errors: [FieldError]
    public init(_ errors: [FieldError]) { self.errors = errors }
}

/// Reads typed fields out of one JSON object and collects what is wrong with them.
public struct ObjectReader {
    let object: [String: JSONValue]
    let path: String
    public var errors: [FieldError]

    public init(_ object: [String: JSONValue], path: String = "", errors: [FieldError] = []) {
        self.object = object
        self.path = path
        self.errors = errors
    }

    public mutating func fail(_ key: String, _ reason: String) {
        errors.append(FieldError(path + key, reason))
    }

    public mutating func rejectUnknown(_ known: Set<String>) {
        for key in object.keys.sorted() where !known.contains(key) {
            fail(key, "unknown field")
        }
    }

    /// The value, or nil after recording "required" (when it must be there) or nothing (when optional).
    private mutating func value(_ key: String, required: Bool) -> JSONValue? {
        switch object[key] {
        case nil, .null?:
            if required { fail(key, "required") }
            return nil
        case let value?:
            return value
        }
    }

    public mutating func string(_ key: String, required: Bool = true, maxCharacters: Int) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let raw) = value else {
            fail(key, "must be a string, not \(value.typeName)")
            return nil
        }
        let text = raw.trimmedOfWhitespace
        if text.isEmpty {
            if required { fail(key, "must not be empty") }
            return nil
        }
        if text.unicodeScalars.contains(where: { $0.value == 0 || ($0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r") }) {
            fail(key, "must not contain control characters")
            return nil
        }
        // Scalars too: one character may carry any number of combining marks ("a" and 10,000 accents).
        if text.count > maxCharacters || text.unicodeScalars.count > maxCharacters {
            fail(key, "at most \(maxCharacters) characters (got \(text.count), \(text.unicodeScalars.count) Unicode scalars)")
            return nil
        }
        return text
    }

    public mutating func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let text = string(key, maxCharacters: 64) else { return nil }
        guard let value = E(rawValue: text) else {
            fail(key, "unknown value '\(text)'; one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    public mutating func bool(_ key: String, required: Bool) -> Bool? {
        guard let value = value(key, required: required) else { return nil }
        guard case .bool(let flag) = value else {
            fail(key, "must be true or false, not \(value.typeName)")
            return nil
        }
        return flag
    }

    public mutating func number(_ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = value(key, required: true) else { return nil }
        guard case .number(let number) = value else {
            fail(key, "must be a number, not \(value.typeName)")
            return nil
        }
        guard range.contains(number) else {
            fail(key, "must be within \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return number
    }

    public mutating func integer(_ key: String, required: Bool = true, in range: ClosedRange<Int>) -> Int? {
        guard let value = value(key, required: required) else { return nil }
        guard case .number(let number) = value, number == number.rounded(), let integer = Int(exactly: number) else {
            fail(key, "must be an integer")
            return nil
        }
        guard range.contains(integer) else {
            fail(key, "must be from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return integer
    }

    /// An ISO 8601 instant with a zone ("2026-03-01T09:00:00+08:00").
    public mutating func date(_ key: String, required: Bool = true) -> Date? {
        guard let text = string(key, required: required, maxCharacters: 40) else { return nil }
        guard let date = try? Date(text, strategy: .iso8601) else {
            fail(key, "must be an ISO 8601 instant with a zone, like 2026-03-01T09:00:00+08:00")
            return nil
        }
        return date
    }

    public mutating func object(_ key: String, required: Bool) -> [String: JSONValue]? {
        guard let value = value(key, required: required) else { return nil }
        guard case .object(let object) = value else {
            fail(key, "must be an object, not \(value.typeName)")
            return nil
        }
        return object
    }

    public mutating func array(_ key: String, required: Bool) -> [JSONValue]? {
        guard let value = value(key, required: required) else { return nil }
        guard case .array(let items) = value else {
            fail(key, "must be an array, not \(value.typeName)")
            return nil
        }
        return items
    }
}

/// Mainland phone numbers: mobiles `1[3-9]` + 9 digits; landlines `0` + 2–3 digit area code + 7–8 digits.
public enum PhoneNumber {
    /// Digits only (spaces, dashes and a +86 prefix dropped), or nil when not a valid number.
    public static func normalize(_ raw: String) -> String? {
        var digits = raw.filter { !" -()".contains($0) }
        if digits.hasPrefix("+86") { digits.removeFirst(3) }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let bytes = Array(digits.utf8)
        if bytes.count == 11, bytes[0] == UInt8(ascii: "1"), (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[1]) {
            return digits
        }
        if bytes.first == UInt8(ascii: "0"), (10...12).contains(bytes.count), bytes[1] != UInt8(ascii: "0") {
            return digits
        }
        return nil
    }

    /// What a unit may see of a named citizen's number: the first three and the last
    /// four digits ("138****5678"); anything shorter shows nothing.
    public static func masked(_ number: String) -> String {
        guard number.count >= 8 else { return String(repeating: "*", count: number.count) }
        return String(number.prefix(3)) + String(repeating: "*", count: number.count - 7) + String(number.suffix(4))
    }
}

extension String {
    /// Leading and trailing white space (including newlines and U+3000) removed.
    var trimmedOfWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }
}
