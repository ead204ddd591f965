import Foundation
import Hummingbird
import NIOCore
import Postgres
import SubanCore
import SubanStore
import SubanWorkers

/// `POST /v1/appeals`: validate, record durably, answer 202 with the ticket.
public struct IntakeRoutes: Sendable {
    let batcher: IntakeBatcher
    let validator: AppealValidator

    public init(batcher: IntakeBatcher, validator: AppealValidator = AppealValidator()) {
        self.batcher = batcher
        self.validator = validator
    }

    public func register<Context: RequestContext>(on router: Hummingbird.Router<Context>) {
        router.post("/v1/appeals") { request, _ in try await submit(request) }
    }

    func submit(_ request: Request) async throws -> Response {
        let limit = validator.limits.maxBodyBytes
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        }
        let body: JSONValue
        do {
            body = try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw APIError.malformedJSON(error.description)
        }
        let appeal: Appeal
        switch validator.validate(body) {
        case .success(let valid): appeal = valid
        case .failure(let failure):
            throw APIError(.unprocessableContent, code: "invalid_appeal",
                           message: failure.errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; "), fields: failure.errors)
        }
        do {
            let receipt = try await batcher.submit(NewTicket(appeal: appeal))
            return try JSONResponse.make(.accepted, AppealAccepted(receipt))
        } catch is IntakeError {
            throw APIError.storeUnavailable()
        }
    }

}

/// The 202 body: enough for the channel to show the citizen and to track the ticket.
struct AppealAccepted: Encodable {
    var ticketId: String
    var trackingCode: String
    var status: String
    var duplicate: Bool
    var trackUrl: String

    init(_ receipt: IntakeReceipt) {
        ticketId = receipt.ticketID.uuidString.lowercased()
        trackingCode = receipt.trackingCode
        status = receipt.status
        duplicate = receipt.duplicate
        trackUrl = "/v1/appeals/\(receipt.trackingCode)"
    }
}

/// `GET /v1/appeals/{tracking code}`: the citizen's view of their ticket.
public struct CitizenRoutes: Sendable {
    let postgres: PostgresClient

    public init(postgres: PostgresClient) {
        self.postgres = postgres
    }

    public func register<Context: RequestContext>(on router: Hummingbird.Router<Context>) {
        router.get("/v1/appeals/:code") { _, context in
            let code = context.parameters.get("code") ?? ""
            guard TrackingCode.isWellFormed(code) else { throw Self.notFound }
            let view: CitizenView?
            do {
                view = try await postgres.withConnection { try TicketStore.citizenView(trackingCode: code, on: $0) }
            } catch let error as PostgresError where error.kind == .connection {
                throw APIError.storeUnavailable()
            }
            guard let view else { throw Self.notFound }
            return try JSONResponse.make(.ok, view)
        }
    }

    static let notFound = APIError(.notFound, code: "not_found", message: "no appeal has this tracking code",
                                   fields: [FieldError("code", "unknown tracking code")])
}
