import Foundation
import Hummingbird
import Postgres
import SubanCore
import SubanStore

/// The platform staff's API (operator keys): the manual triage queue, linked
/// reports to review (and undo), the arbitration queue of disputed parts, and callback visits.
public struct OperatorRoutes: Sendable {
    let actions: TicketActions
    let auth: Authenticator

    public init(actions: TicketActions) {
        self.actions = actions
        self.auth = Authenticator(postgres: actions.postgres)
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        queue("/v1/triage", on: router) { try OperatorQueues.triage(limit: 200, on: $0) }
        router.post("/v1/triage/:ticket/assign") { request, context in
            _ = try await auth.operator(request)
            let id = try request.uuidParameter(context, "ticket")
            let (item, units) = try await RequestBody.fields(request, known: ["item", "departments"]) { reader -> (String?, [RoutedUnit])? in
                let item = reader.string("item", required: false, maxCharacters: 64)
                let units = Self.readUnits(&reader)
                return reader.errors.isEmpty ? (item, units) : nil
            }
            let applied = try await actions.perform(.assignFromTriage(units: units), ticketID: id) { connection in
                try OperatorQueues.prepareTriage(ticketID: id, item: item, departments: units.map(\.departmentCode), on: connection)
            }
            return try JSONResponse.make(.ok, ActionResult(ticketID: id, applied))
        }
        queue("/v1/linked", on: router) { try OperatorQueues.linked(limit: 200, on: $0) }
        router.post("/v1/linked/:ticket/unlink") { request, context in
            _ = try await auth.operator(request)
            let id = try request.uuidParameter(context, "ticket")
            let reason = try await RequestBody.fields(request, known: ["reason"]) { $0.string("reason", required: true, maxCharacters: 500) }
            let applied = try await actions.perform(.unlink(reason: reason), ticketID: id)
            return try JSONResponse.make(.ok, ActionResult(ticketID: id, applied))
        }
        queue("/v1/arbitration", on: router) { try OperatorQueues.disputed(limit: 200, on: $0) }
        router.post("/v1/arbitration/:assignment") { request, context in
            _ = try await auth.operator(request)
            guard let assignment = context.parameters.get("assignment", as: Int64.self) else {
                throw APIError(.notFound, code: "not_found", message: "assignment must be a number", fields: [FieldError("assignment", "not a number")])
            }
            let (moveTo, item) = try await RequestBody.fields(request, known: ["move_to", "item"]) { reader -> (String?, String?)? in
                let moveTo = reader.string("move_to", required: false, maxCharacters: 64)
                let item = reader.string("item", required: false, maxCharacters: 64)
                return reader.errors.isEmpty ? (moveTo, item) : nil
            }
            guard let ticket = try await actions.read({ try OperatorQueues.ticket(ofAssignment: assignment, on: $0) }) else {
                throw APIError(.notFound, code: "not_found", message: "no such assignment", fields: [FieldError("assignment", "unknown")])
            }
            let applied = try await actions.perform(.arbitrate(assignment: assignment, moveTo: moveTo), ticketID: ticket) { connection in
                try OperatorQueues.prepareArbitration(ticketID: ticket, moveTo: moveTo, item: item, on: connection)
            }
            return try JSONResponse.make(.ok, ActionResult(ticketID: ticket, applied))
        }
        queue("/v1/visits", on: router) { try OperatorQueues.openVisits(limit: 200, on: $0) }
        router.post("/v1/visits/:ticket") { request, context in
            _ = try await auth.operator(request)
            let id = try request.uuidParameter(context, "ticket")
            let solved = try await RequestBody.fields(request, known: ["solved"]) { $0.bool("solved", required: true) }
            let applied = try await actions.perform(.recordVisit(solved: solved), ticketID: id)
            return try JSONResponse.make(.ok, ActionResult(ticketID: id, applied))
        }
    }

    /// A GET that lists one of the operators' queues as `{"items": [...]}`.
    func queue<Context: RequestContext, Item: Encodable & Sendable>(
        _ path: RouterPath, on router: Router<Context>, _ rows: @escaping @Sendable (PostgresConnection) throws -> [Item]
    ) {
        router.get(path) { request, _ in
            _ = try await auth.operator(request)
            return try JSONResponse.make(.ok, ["items": try await actions.read(rows)])
        }
    }

    /// `departments: [{"code": ..., "role": "lead" | "co-handler"}]`, 1 to 10 of them.
    static func readUnits(_ reader: inout ObjectReader) -> [RoutedUnit] {
        guard let items = reader.array("departments", required: true) else { return [] }
        guard (1...10).contains(items.count) else {
            reader.fail("departments", "1 to 10 units")
            return []
        }
        var units: [RoutedUnit] = []
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                reader.fail("departments[\(index)]", "must be an object")
                continue
            }
            var inner = ObjectReader(object, path: "departments[\(index)].")
            inner.rejectUnknown(["code", "role"])
            let code = inner.string("code", maxCharacters: 64)
            let role = inner.enumeration("role", AssignmentRole.self)
            reader.errors += inner.errors
            if let code, let role { units.append(RoutedUnit(departmentCode: code, role: role)) }
        }
        return units
    }
}
