import Foundation
import Hummingbird
import NIOCore
import Postgres
import SubanCore
import SubanStore
import SubanWorkers

/// `POST /v1/appeals`: authenticate the channel, validate, record durably, answer 202 with the ticket.
public struct IntakeRoutes: Sendable {
    let batcher: IntakeBatcher
    /// Each channel files with its own key, and the channel is the key's, not what a body says.
    let keys: ChannelKeys
    let validator: AppealValidator
    /// Without one, deadlines count with the shipped notices only.
    let calendars: CalendarSource?
    let limiter: ClientRateLimiter?

    public init(batcher: IntakeBatcher, keys: ChannelKeys, validator: AppealValidator = AppealValidator(), calendars: CalendarSource? = nil,
                limiter: ClientRateLimiter? = nil) {
        self.batcher = batcher
        self.keys = keys
        self.validator = validator
        self.calendars = calendars
        self.limiter = limiter
    }

    public func register<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        router.post("/v1/appeals") { request, context in
            do {
                try limiter?.admit(request, context: context)
            } catch {
                StageMetrics.appeal("limited")
                throw error
            }
            return try await submit(request)
        }
    }

    func submit(_ request: Request) async throws -> Response {
        let channel = try await keys.channel(of: request)
        var body = try await RequestBody.json(request, limit: validator.limits.maxBodyBytes)
        if case .object(var root) = body {
            // A body may leave the channel out; one that names another channel is refused, not corrected.
            switch root["channel"] {
            case nil: root["channel"] = .string(channel.rawValue)
            case .string(let named) where named != channel.rawValue:
                throw APIError(.forbidden, code: "wrong_channel", message: "this key files appeals for channel '\(channel.rawValue)' only",
                               fields: [FieldError("channel", "not this key's channel ('\(channel.rawValue)')")])
            default: break
            }
            body = .object(root)
        }
        let appeal: Appeal
        switch validator.validate(body) {
        case .success(let valid): appeal = valid
        case .failure(let failure):
            StageMetrics.appeal("invalid")
            throw APIError(.unprocessableContent, code: "invalid_appeal",
                           message: failure.errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; "), fields: failure.errors)
        }
        do {
            let receipt = try await record(appeal)
            guard !receipt.conflict else {
                // The appeal is not recorded: the channel must send it under a ref of its own.
                StageMetrics.appeal("conflict")
                throw APIError(.conflict, code: "channel_ref_reused", message: "channel_ref was already used for another appeal of this channel",
                               fields: [FieldError("channel_ref", "already used for another appeal; retry only with the same body")])
            }
            StageMetrics.appeal(receipt.duplicate ? "duplicate" : "accepted")
            return try JSONResponse.make(.accepted, AppealAccepted(receipt))
        } catch is IntakeError {
            StageMetrics.appeal("unavailable")
            throw APIError.storeUnavailable()
        }
    }

    /// Stores `appeal` as a new ticket with its statutory deadline; returns once it is durable.
    func record(_ appeal: Appeal) async throws -> IntakeReceipt {
        let ticket = NewTicket(appeal: appeal, calendar: await calendars?.current ?? .china)
        await calendars?.noteProvisional(ticket.replyDeadline)
        return try await batcher.submit(ticket)
    }
}

/// The 202 body: enough for the channel to show the citizen and to track the ticket.
struct AppealAccepted: Encodable {
    var ticketId: String
    var trackingCode: String
    var status: TicketStatus
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

/// The citizen's side by tracking code: `GET /v1/appeals/{code}` (the parcel-style
/// view) and `POST /v1/appeals/{code}/rating` (the four-dimension evaluation).
public struct CitizenRoutes: Sendable {
    let postgres: PostgresClient
    let actions: TicketActions?

    /// Without `actions` the role serves the view only.
    public init(postgres: PostgresClient, actions: TicketActions? = nil) {
        self.postgres = postgres
        self.actions = actions
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/v1/appeals/:code") { _, context in
            let code = try Self.code(context)
            let view: CitizenView?
            do {
                view = try await postgres.withConnection { try TicketStore.citizenView(trackingCode: code, on: $0) }
            } catch let error as PostgresError where error.kind == .connection {
                throw APIError.storeUnavailable()
            }
            guard let view else { throw Self.notFound }
            return try JSONResponse.make(.ok, view)
        }
        guard let actions else { return }
        router.post("/v1/appeals/:code/rating") { request, context in
            let code = try Self.code(context)
            let (rating, token) = try await RequestBody.fields(request, known: ["token", "speed", "effect", "service", "quality", "comment"]) { reader -> (Rating, String)? in
                let token = reader.string("token", maxCharacters: 32)
                let scores = ["speed", "effect", "service", "quality"].map { reader.integer($0, in: 1...5) }
                let comment = reader.string("comment", required: false, maxCharacters: 500)
                guard let token, let speed = scores[0], let effect = scores[1], let service = scores[2], let quality = scores[3] else { return nil }
                return (Rating(speed: speed, effect: effect, service: service, quality: quality, comment: comment), token)
            }
            guard let (id, parent) = try await actions.read({ try TicketStore.ratingTarget(trackingCode: code, on: $0) }) else { throw Self.notFound }
            // A linked report rates its parent's handling, with the token of its own ticket and the parent's round.
            let handling = parent ?? id
            let command: TicketCommand = parent == nil ? .rate(rating) : .rateForLinkedReport(reporter: id, rating: rating)
            let applied = try await actions.perform(command, ticketID: handling) { connection in
                // Checked against the round being rated, in the transaction that rates it.
                guard let round = try RatingTokens.round(of: handling, on: connection),
                      try RatingTokens.load(on: connection).verify(token, ticketID: id, round: round) else { throw Self.wrongToken }
            }
            return try JSONResponse.make(.ok, ActionResult(ticketID: handling, applied))
        }
    }

    static func code(_ context: some RequestContext) throws -> String {
        let code = context.parameters.get("code") ?? ""
        guard TrackingCode.isWellFormed(code) else { throw notFound }
        return code
    }

    /// The tracking code alone does not rate: staff see codes no longer, but a code may be shared.
    static let wrongToken = APIError(.forbidden, code: "wrong_rating_token", message: "this is not the rating token the citizen received for this round",
                                     fields: [FieldError("token", "not this ticket's rating token for its current round")])

    static let notFound = APIError(.notFound, code: "not_found", message: "no appeal has this tracking code",
                                   fields: [FieldError("code", "unknown tracking code")])
}
