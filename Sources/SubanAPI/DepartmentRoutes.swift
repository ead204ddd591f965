import Foundation
import Hummingbird
import Postgres
import SubanCore
import SubanStore

/// A handling unit's API, under `/v1/departments/{code}`: its queue, its tickets
/// and the actions on them. Every route needs that unit's own key.
public struct DepartmentRoutes: Sendable {
    let actions: TicketActions
    let queue: DepartmentQueue
    let auth: Authenticator
    /// Longest long-poll a puller may ask for.
    let maxWait: Duration = .seconds(30)

    public init(actions: TicketActions, queue: DepartmentQueue) {
        self.actions = actions
        self.queue = queue
        self.auth = Authenticator(postgres: actions.postgres)
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let unit = router.group("/v1/departments/:department")
        unit.get("queue") { request, context in try await list(request, context) }
        unit.post("queue/next") { request, context in try await next(request, context) }
        unit.get("tickets/:ticket") { request, context in try await view(request, context) }
        unit.post("tickets/:ticket/accept") { request, context in
            try await act(request, context, known: ["lease_id", "leader"]) { reader, department in
                .accept(department: department, leader: reader.string("leader", required: false, maxCharacters: 100))
            }
        }
        unit.post("tickets/:ticket/return") { request, context in
            try await act(request, context, known: ["lease_id", "reason"]) { reader, department in
                reader.string("reason", maxCharacters: 500).map { .returnAsNotDuty(department: department, reason: $0) }
            }
        }
        unit.post("tickets/:ticket/extension") { request, context in
            try await act(request, context, known: ["reason", "working_days"]) { reader, department in
                let reason = reader.string("reason", maxCharacters: 500)
                let days = reader.integer("working_days", in: 1...Lifecycle.maxExtensionDays)
                guard let reason, let days else { return nil }
                return .requestExtension(department: department, reason: reason, workingDays: days)
            }
        }
        unit.post("tickets/:ticket/staged-plan") { request, context in
            try await act(request, context, known: ["milestones"]) { reader, department in
                guard let items = reader.array("milestones", required: true) else { return nil }
                var milestones: [Milestone] = []
                for (index, item) in items.prefix(Lifecycle.maxMilestones + 1).enumerated() {
                    guard case .object(let object) = item else {
                        reader.fail("milestones[\(index)]", "must be an object")
                        continue
                    }
                    var inner = ObjectReader(object, path: "milestones[\(index)].", errors: [])
                    inner.rejectUnknown(["title", "due_at"])
                    let title = inner.string("title", maxCharacters: 200)
                    let due = inner.date("due_at")
                    reader.errors += inner.errors
                    if let title, let due { milestones.append(Milestone(title: title, dueAt: due)) }
                }
                return reader.errors.isEmpty ? .fileStagedPlan(department: department, milestones: milestones) : nil
            }
        }
        unit.post("tickets/:ticket/milestones/:index/done") { request, context in
            guard let index = context.parameters.get("index", as: Int.self) else {
                throw APIError(.notFound, code: "not_found", message: "milestone index must be a number", fields: [FieldError("index", "not a number")])
            }
            return try await act(request, context, known: []) { _, department in .completeMilestone(department: department, index: index) }
        }
        unit.post("tickets/:ticket/reply") { request, context in
            try await act(request, context, known: ["text"]) { reader, department in
                reader.string("text", maxCharacters: 4000).map { .reply(department: department, text: $0) }
            }
        }
    }

    /// Clients may percent-encode the colon ("longhua%3Aurban-management"); the code is the decoded text.
    private func departmentCode(_ context: some RequestContext) -> String {
        let raw = context.parameters.get("department") ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    func list(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let department = departmentCode(context)
        _ = try await auth.department(request, department)
        var statuses: [AssignmentStatus] = []
        for name in (request.uri.queryParameters.get("status") ?? "").split(separator: ",") {
            guard let status = AssignmentStatus(rawValue: String(name)) else {
                throw APIError(.badRequest, code: "invalid_query", message: "unknown status '\(name)'",
                               fields: [FieldError("status", "one of \(AssignmentStatus.allCases.map(\.rawValue).joined(separator: ", "))")])
            }
            statuses.append(status)
        }
        let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 50, 1), 500)
        let filter = statuses
        let items = try await actions.read { try TicketStore.departmentQueue(department, statuses: filter, limit: limit, on: $0) }
        return try JSONResponse.make(.ok, ["items": items])
    }

    struct Pulled: Encodable {
        var leaseId: String
        var leaseExpiresAt: Date
        var assignmentId: Int64
        var ticket: DepartmentTicket
    }

    /// Takes the next queued part for this unit (long-poll up to `wait` seconds); 204 when none came.
    func next(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let department = departmentCode(context)
        let principal = try await auth.department(request, department)
        let seconds = request.uri.queryParameters.get("wait", as: Int.self) ?? 0
        guard (0...Int(maxWait.seconds)).contains(seconds) else {
            throw APIError(.badRequest, code: "invalid_query", message: "wait is 0 to \(Int(maxWait.seconds)) seconds",
                           fields: [FieldError("wait", "0 to \(Int(maxWait.seconds))")])
        }
        guard let lease = try await queue.next(department: department, consumer: principal.consumerName, wait: .seconds(seconds)) else {
            return Response(status: .noContent)
        }
        guard let ticket = try await actions.read({ try TicketStore.departmentTicket(lease.ticketID, department: department, on: $0) }) else {
            throw APIError.ticketNotFound
        }
        return try JSONResponse.make(.ok, Pulled(leaseId: lease.id, leaseExpiresAt: lease.expiresAt, assignmentId: lease.assignmentID, ticket: ticket))
    }

    func view(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let department = departmentCode(context)
        _ = try await auth.department(request, department)
        let id = try request.uuidParameter(context, "ticket")
        guard let ticket = try await actions.read({ try TicketStore.departmentTicket(id, department: department, on: $0) }) else {
            throw APIError.ticketNotFound
        }
        return try JSONResponse.make(.ok, ticket)
    }

    /// Reads the body into a command, checks the lease when one is named, applies the command, ends the lease.
    func act(
        _ request: Request, _ context: some RequestContext, known: Set<String>,
        _ command: @escaping (inout ObjectReader, String) -> TicketCommand?
    ) async throws -> Response {
        let department = departmentCode(context)
        let principal = try await auth.department(request, department)
        let id = try request.uuidParameter(context, "ticket")
        let (parsed, leaseID): (TicketCommand, String?) = try await RequestBody.fields(request, known: known) { reader in
            let lease = known.contains("lease_id") ? reader.string("lease_id", required: false, maxCharacters: 40) : nil
            return command(&reader, department).map { ($0, lease) }
        }
        if let leaseID {
            let held = try? await queue.held(department: department, consumer: principal.consumerName, id: leaseID)
            guard held == id else {
                throw APIError(.conflict, code: "lease_lost", message: "this key no longer holds lease \(leaseID); take the next ticket",
                               fields: [FieldError("lease_id", "not held by this key")])
            }
        }
        let applied = try await actions.perform(parsed, ticketID: id)
        if let leaseID { try? await queue.release(department: department, id: leaseID) }
        return try JSONResponse.make(.ok, ActionResult(ticketID: id, applied))
    }
}
