import Foundation
import Hummingbird
import Logging
import Postgres
import SubanCore
import SubanStore
import SubanWorkers

/// Runs lifecycle commands for the HTTP routes: one transaction each, then the
/// outbox rows go to Redis (the relay covers a failure), and the rules' refusals
/// become 404 / 409 / 422 bodies.
public struct TicketActions: Sendable {
    let postgres: PostgresClient
    let publisher: OutboxPublisher
    let calendars: CalendarSource
    let logger: Logger

    public init(postgres: PostgresClient, publisher: OutboxPublisher, calendars: CalendarSource, logger: Logger) {
        self.postgres = postgres
        self.publisher = publisher
        self.calendars = calendars
        self.logger = logger
    }

    /// `prepare` runs first in the same transaction (checks and edits the command depends on).
    func perform(
        _ command: TicketCommand, ticketID: UUID, prepare: (@Sendable (PostgresConnection) throws -> Void)? = nil
    ) async throws -> LifecycleStore.Applied {
        let calendar = await calendars.current
        let applied: LifecycleStore.Applied
        do {
            applied = try await postgres.transaction { connection in
                try prepare?(connection)
                return try LifecycleStore.perform(command, ticketID: ticketID, calendar: calendar, on: connection)
            }
        } catch let error as LifecycleError {
            throw APIError(error)
        } catch is LifecycleStore.NotFound {
            throw APIError.ticketNotFound
        } catch let error as PostgresError where error.kind == .connection {
            throw APIError.storeUnavailable()
        }
        await publisher.publishOrLeaveToRelay(applied.outbox, logger: logger)
        return applied
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        do {
            return try await postgres.withConnection(body)
        } catch let error as PostgresError where error.kind == .connection {
            throw APIError.storeUnavailable()
        }
    }
}

/// The answer to a lifecycle action.
struct ActionResult: Encodable {
    var ticketId: String
    var status: TicketStatus
    var round: Int
    var replyDueAt: Date?
    var events: [TicketEventKind]

    init(ticketID: UUID, _ applied: LifecycleStore.Applied) {
        ticketId = ticketID.uuidString.lowercased()
        status = applied.status
        round = applied.round
        replyDueAt = applied.replyDueAt
        events = applied.events
    }
}

extension APIError {
    init(_ error: LifecycleError) {
        switch error {
        case .illegal(let command, let ticketStatus, let assignmentStatus):
            var current = ["ticket_status": ticketStatus.rawValue]
            current["assignment_status"] = assignmentStatus?.rawValue
            let part = assignmentStatus.map { ", this unit's part is \($0.rawValue)" } ?? ""
            self.init(.conflict, code: "illegal_transition",
                      message: "'\(command)' is not allowed while the ticket is \(ticketStatus.rawValue)\(part)", current: current)
        case .notAssigned:
            self = .ticketNotFound
        case .invalid(let field, let reason):
            self.init(.unprocessableContent, code: "invalid_body", message: "\(field): \(reason)", fields: [FieldError(field, reason)])
        case .limitReached(let reason):
            self.init(.conflict, code: "limit_reached", message: reason)
        }
    }

    static let ticketNotFound = APIError(.notFound, code: "not_found", message: "no such ticket for this caller",
                                         fields: [FieldError("ticket", "unknown ticket")])
}

/// Bearer keys → principals; 401 without a valid key, 403 for another unit's path.
struct Authenticator: Sendable {
    let postgres: PostgresClient

    func principal(_ request: Request) async throws -> Principal {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, code: "unauthorized", message: "send Authorization: Bearer <key>", fields: [FieldError("authorization", "missing")])
        }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        let principal: Principal?
        do {
            principal = try await postgres.withConnection { try APIKeys.principal(token: token, on: $0) }
        } catch let error as PostgresError where error.kind == .connection {
            throw APIError.storeUnavailable()
        }
        guard let principal else {
            throw APIError(.unauthorized, code: "unauthorized", message: "unknown or revoked key", fields: [FieldError("authorization", "unknown key")])
        }
        return principal
    }

    /// The caller, who must be the unit named in the path.
    func department(_ request: Request, _ code: String) async throws -> Principal {
        let principal = try await principal(request)
        guard case .department(let own, _, _) = principal, own == code else {
            throw APIError(.forbidden, code: "forbidden", message: "this key may not act for \(code)", fields: [FieldError("department", "not this key's unit")])
        }
        return principal
    }

    func `operator`(_ request: Request) async throws -> Principal {
        let principal = try await principal(request)
        guard case .operator = principal else {
            throw APIError(.forbidden, code: "forbidden", message: "an operator key is required", fields: [FieldError("authorization", "not an operator key")])
        }
        return principal
    }
}

extension Request {
    func uuidParameter(_ context: some RequestContext, _ name: String) throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw APIError(.notFound, code: "not_found", message: "\(name) must be a UUID", fields: [FieldError(name, "not a UUID")])
        }
        return id
    }
}
