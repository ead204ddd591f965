import Hummingbird
import NIOCore
import SubanCore

/// Request bodies: a size limit first, then the hand-written JSON reader with its nesting limit.
enum RequestBody {
    /// `emptyAs`: what an empty body means (actions whose fields are all optional take none).
    static func json(_ request: Request, limit: Int, emptyAs empty: JSONValue? = nil) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        }
        if buffer.readableBytes == 0, let empty { return empty }
        do {
            return try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw APIError.malformedJSON(error.description)
        }
    }

    /// A JSON object read field by field; every field error is answered at once with 422.
    static func fields<T>(_ request: Request, limit: Int = 32 * 1024, known: Set<String>,
                          _ read: (inout ObjectReader) -> T?) async throws -> T {
        let body = try await json(request, limit: limit, emptyAs: .object([:]))
        guard case .object(let object) = body else {
            throw APIError(.unprocessableContent, code: "invalid_body", message: "the body must be a JSON object", fields: [FieldError("body", "must be a JSON object")])
        }
        var reader = ObjectReader(object)
        reader.rejectUnknown(known)
        let value = read(&reader)
        guard reader.errors.isEmpty, let value else {
            throw APIError(.unprocessableContent, code: "invalid_body",
                           message: reader.errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; "), fields: reader.errors)
        }
        return value
    }

    /// An `application/x-www-form-urlencoded` body as its (name, value) pairs, in order.
    static func form(_ request: Request, limit: Int) async throws -> [(name: String, value: String)] {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw Open311Error(.badRequest, ["Content-Type: send application/x-www-form-urlencoded"])
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Open311Error(.contentTooLarge, ["body: at most \(limit) bytes"])
        }
        var pairs: [(name: String, value: String)] = []
        for part in String(decoding: buffer.readableBytesView, as: UTF8.self).split(separator: "&") where !part.isEmpty {
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) throws -> String {
                guard let value = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw Open311Error(.badRequest, ["body: malformed percent-encoding in '\(part.prefix(40))'"])
                }
                return value
            }
            pairs.append((try decoded(halves[0]), try decoded(halves.count > 1 ? halves[1] : "")))
        }
        return pairs
    }
}
