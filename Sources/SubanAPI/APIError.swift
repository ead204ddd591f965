import Foundation
import Hummingbird
import Postgres
import Redis
import SubanCore

/// Every error the API answers, as JSON: `{"error": code, "message": ..., "fields": [{"field", "reason"}]}`.
public struct APIError: HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var fields: [FieldError]
    /// Seconds, for 503 and 429.
    public var retryAfter: Int?
    /// For 409: the state that refused the request.
    public var current: [String: String]?

    public init(_ status: HTTPResponse.Status, code: String, message: String, fields: [FieldError] = [], retryAfter: Int? = nil,
                current: [String: String]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.retryAfter = retryAfter
        self.current = current
    }

    private struct Body: Encodable {
        var error: String
        var message: String
        var fields: [FieldError]
        var current: [String: String]?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse.make(status, Body(error: code, message: message, fields: fields, current: current))
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    static func malformedJSON(_ detail: String) -> APIError {
        APIError(.badRequest, code: "malformed_json", message: "the body is not valid JSON: \(detail)", fields: [FieldError("body", "malformed JSON")])
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "the body is larger than \(limit) bytes",
                 fields: [FieldError("body", "at most \(limit) bytes")])
    }

    public static func storeUnavailable() -> APIError {
        APIError(.serviceUnavailable, code: "store_unavailable", message: "the ticket store is unavailable; nothing was recorded, retry later",
                 retryAfter: 5)
    }
}

/// Turns errors that are not `APIError` (unknown route, wrong method) into the same JSON shape,
/// and anything unexpected into a 500 that says nothing internal.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as PostgresError where error.kind == .connection {
            // A server down is a 503 with Retry-After wherever it happens, not a 500.
            throw APIError.storeUnavailable()
        } catch RedisError.io {
            throw APIError.storeUnavailable()
        } catch let error as HTTPError {
            throw APIError(error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                           message: error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, code: "http_\(error.status.code)", message: error.status.reasonPhrase)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, code: "internal", message: "internal error")
        }
    }
}

enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func make(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
