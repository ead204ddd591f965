import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Postgres
import SubanCore
import SubanStore
import SubanWorkers
import Synchronization

/// Open311 GeoReport v2 under `root` (`/open311/v2`): any civic-issue app files and follows
/// appeals here. Every resource ends in `.json` or `.xml`; errors are the spec's list of
/// `{code, description}`. A request goes through intake as any appeal does (validated, stored
/// before the answer, then dispatched) on the `open311` channel, filed with that channel's key.
public struct Open311Routes: Sendable {
    public struct Configuration: Sendable {
        public var root: String
        /// The one jurisdiction served; a request naming another is refused, an empty one is none.
        public var jurisdiction: String
        /// Who answers for the endpoint, in `discovery`.
        public var contact: String

        public init(root: String = "/open311/v2", jurisdiction: String = "shenzhen.gov.cn",
                    contact: String = "深圳市12345政务服务便民热线 / Shenzhen 12345 hotline") {
            self.root = root
            self.jurisdiction = jurisdiction
            self.contact = contact
        }
    }

    let configuration: Configuration
    let postgres: PostgresClient
    let intake: IntakeRoutes
    let definition: Open311.Definition
    private let catalogs = CatalogCache()

    public init(configuration: Configuration = Configuration(), postgres: PostgresClient, intake: IntakeRoutes, definition: Open311.Definition) {
        self.configuration = configuration
        self.postgres = postgres
        self.intake = intake
        self.definition = definition
    }

    /// When the spec or this service last changed, as discovery reports it.
    static let changeset = "2026-11-30T00:00:00+08:00"

    public func register<Context: RequestContext & RemoteAddressRequestContext>(on router: Router<Context>) {
        let root = RouterPath(configuration.root)
        router.get(RouterPath("\(root)/:resource")) { request, context in
            try await answer(context.parameters.get("resource") ?? "") { name, format in
                switch name {
                case "discovery": return discovery(request, format: format)
                case "services": return try await services(request, format: format)
                case "requests": return try await requests(request, format: format)
                default: throw Open311Error(.notFound, ["no resource '\(name)' here; discovery lists them"])
                }
            }
        }
        router.get(RouterPath("\(root)/services/:resource")) { request, context in
            try await answer(context.parameters.get("resource") ?? "") { code, format in
                try await serviceDefinition(String(code), request, format: format)
            }
        }
        router.get(RouterPath("\(root)/requests/:resource")) { request, context in
            try await answer(context.parameters.get("resource") ?? "") { id, format in
                try checkJurisdiction(request.uri.queryParameters.get("jurisdiction_id"))
                guard let id = UUID(uuidString: String(id)) else { throw Open311Error(.notFound, ["no service request '\(id)'"]) }
                let found = try await read { try Open311Requests.list(.byIDs([id]), on: $0) }
                guard let request = found.first else { throw Open311Error(.notFound, ["no service request '\(id)'"]) }
                return Open311Document.list(element: "request", [document(request)]).response(format: format, root: "service_requests")
            }
        }
        router.get(RouterPath("\(root)/tokens/:resource")) { request, context in
            try await answer(context.parameters.get("resource") ?? "") { token, format in
                try checkJurisdiction(request.uri.queryParameters.get("jurisdiction_id"))
                let token = String(token)
                guard let id = try await read({ try Open311Requests.requestID(token: token, on: $0) }) else {
                    throw Open311Error(.notFound, ["no service request has token '\(token)'"])
                }
                return Open311Document.list(element: "request", [.object([("service_request_id", .text(id.postgresText)), ("token", .text(token))])])
                    .response(format: format, root: "service_requests")
            }
        }
        router.post(RouterPath("\(root)/:resource")) { request, context in
            try await answer(context.parameters.get("resource") ?? "") { name, format in
                guard name == "requests" else { throw Open311Error(.notFound, ["only requests can be posted"]) }
                do {
                    try intake.limiter?.admit(request, context: context)
                } catch let error as APIError {
                    throw Open311Error(error.status, [error.message])
                }
                return try await submit(request, format: format)
            }
        }
    }

    /// Runs `body` with the resource's name and format, and answers any failure in that format.
    func answer(_ resource: String, _ body: (Substring, Open311Document.Format) async throws -> Response) async throws -> Response {
        guard let (name, format) = Open311Document.Format.split(resource[...]) else {
            return Open311Error(.notFound, ["resources end in .json or .xml (\(resource))"]).response(format: .json)
        }
        do {
            return try await body(name, format)
        } catch let error as Open311Error {
            return error.response(format: format)
        } catch let error as PostgresError where error.kind == .connection {
            return Open311Error(.serviceUnavailable, ["the ticket store is unavailable; nothing was recorded, retry later"]).response(format: format)
        } catch is IntakeError {
            return Open311Error(.serviceUnavailable, ["the ticket store is unavailable; nothing was recorded, retry later"]).response(format: format)
        }
    }

    func checkJurisdiction(_ given: String?) throws {
        guard let given, !given.isEmpty, given != configuration.jurisdiction else { return }
        throw Open311Error(.notFound, ["jurisdiction_id: this endpoint serves '\(configuration.jurisdiction)' only"])
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await postgres.withConnection(body)
    }

    func discovery(_ request: Request, format: Open311Document.Format) -> Response {
        let host = request.head.authority ?? "localhost"
        let endpoint = Open311Document.object([
            ("specification", .text("http://wiki.open311.org/GeoReport_v2")), ("url", .text("http://\(host)\(configuration.root)")),
            ("changeset", .text(Self.changeset)), ("type", .text("production")),
            ("formats", .list(element: "format", [.text("application/json"), .text("text/xml")])),
        ])
        return Open311Document.object([
            ("changeset", .text(Self.changeset)), ("contact", .text(configuration.contact)),
            ("key_service", .text("Request an api_key from the platform's operators (suban keys create --channel open311).")),
            ("endpoints", .list(element: "endpoint", [endpoint])),
        ]).response(format: format, root: "discovery")
    }

    func services(_ request: Request, format: Open311Document.Format) async throws -> Response {
        try checkJurisdiction(request.uri.queryParameters.get("jurisdiction_id"))
        let catalog = try await catalogs.current(postgres)
        let names = Dictionary(catalog.categories.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        return Open311Document.list(element: "service", catalog.items.map { item in
            .object([
                ("service_code", .text(item.code)), ("service_name", .text(item.name)),
                ("description", .text("\(names[item.categoryCode] ?? item.categoryCode)：\(item.name)")),
                ("metadata", .bool(!definition.attributes(for: item).isEmpty)), ("type", .text("realtime")),
                ("keywords", .text(item.keywords.joined(separator: ","))), ("group", .text(names[item.categoryCode] ?? item.categoryCode)),
            ])
        }).response(format: format, root: "services")
    }

    func serviceDefinition(_ code: String, _ request: Request, format: Open311Document.Format) async throws -> Response {
        try checkJurisdiction(request.uri.queryParameters.get("jurisdiction_id"))
        let catalog = try await catalogs.current(postgres)
        guard let item = catalog.item(code: code) else { throw Open311Error(.notFound, ["no service '\(code)'; GET services lists them"]) }
        let attributes = definition.attributes(for: item).enumerated().map { order, attribute in
            Open311Document.object([
                ("variable", .bool(true)), ("code", .text(attribute.code)), ("datatype", .text("singlevaluelist")),
                ("required", .bool(attribute.required)), ("datatype_description", .text(nil)), ("order", .integer(order + 1)),
                ("description", .text(attribute.description)),
                ("values", .list(element: "value", attribute.values.map { .object([("key", .text($0.key)), ("name", .text($0.name))]) })),
            ])
        }
        return Open311Document.object([("service_code", .text(item.code)), ("attributes", .list(element: "attribute", attributes))])
            .response(format: format, root: "service_definition")
    }

    func requests(_ request: Request, format: Open311Document.Format) async throws -> Response {
        try checkJurisdiction(request.uri.queryParameters.get("jurisdiction_id"))
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        let query: Open311.Query
        switch Open311.Query.parse(parameters, now: Date()) {
        case .success(let parsed): query = parsed
        case .failure(let failure): throw Open311Error(.badRequest, failure.errors.map { "\($0.field): \($0.reason)" })
        }
        let found = try await read { try Open311Requests.list(query, on: $0) }
        return Open311Document.list(element: "request", found.map(document)).response(format: format, root: "service_requests")
    }

    func document(_ request: Open311Requests.Request) -> Open311Document {
        .object([
            ("service_request_id", .text(request.id.postgresText)), ("status", .text(Open311.status(request.status))),
            ("status_notes", .text(request.statusNotes ?? (request.linked ? "已并入同一事件的工单合并办理 / merged with a report of the same incident" : nil))),
            ("service_name", .text(request.serviceName)), ("service_code", .text(request.serviceCode)), ("description", .text(request.description)),
            ("agency_responsible", .text(request.agency)), ("service_notice", .text(Open311.serviceNotice(request.type, urgent: request.urgent))),
            ("requested_datetime", .text(Open311.format(request.requestedAt))), ("updated_datetime", .text(Open311.format(request.updatedAt))),
            ("expected_datetime", .text(request.expectedAt.map(Open311.format))), ("address", .text(request.address)), ("address_id", .text(nil)),
            ("zipcode", .text(nil)), ("lat", .number(request.latitude)), ("long", .number(request.longitude)), ("media_url", .text(request.mediaURL)),
        ])
    }

    func submit(_ request: Request, format: Open311Document.Format) async throws -> Response {
        let form = try await RequestBody.form(request, limit: 64 * 1024)
        let fields = Dictionary(form.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        try checkJurisdiction(fields["jurisdiction_id"])
        guard let key = fields["api_key"], !key.isEmpty else { throw Open311Error(.forbidden, ["api_key: required; the platform's operators issue them"]) }
        guard try await intake.keys.channel(of: key) == .open311 else { throw Open311Error(.forbidden, ["api_key: not a live Open311 channel key"]) }

        // GeoReport v2 has no idempotency of its own: a client that sends an Idempotency-Key gets, on a
        // retry with the same form, the request it made the first time (the key is the request's token).
        let token: String
        if let given = request.headers[Self.idempotencyKey] {
            guard (1...64).contains(given.count), !given.contains(where: { $0.isWhitespace }) else {
                throw Open311Error(.badRequest, ["Idempotency-Key: 1 to 64 characters, no spaces"])
            }
            token = given
        } else {
            token = TrackingCode.generate()
        }
        let submission: Open311.Submission
        switch Open311.submission(form: form, token: token, catalog: try await catalogs.current(postgres), definition: definition) {
        case .success(let valid): submission = valid
        case .failure(let failure): throw Open311Error(.badRequest, failure.errors.map { "\($0.field): \($0.reason)" })
        }
        var validator = AppealValidator(channels: [.open311])
        validator.limits.maxTextCharacters = Open311.descriptionLimit
        var appeal: Appeal
        switch validator.validate(submission.appeal) {
        case .success(let valid): appeal = valid
        case .failure(let failure):
            throw Open311Error(.badRequest, failure.errors.map { "\(Open311.fieldName(ofAppealField: $0.field)): \($0.reason)" })
        }
        appeal.requestedItem = submission.item.code
        let receipt = try await intake.record(appeal)
        guard !receipt.conflict else { throw Open311Error(.badRequest, ["Idempotency-Key: already used for another request; retry only with the same form"]) }
        let answer = Open311Document.object([
            ("service_request_id", .text(receipt.ticketID.postgresText)), ("token", .text(token)),
            ("service_notice", .text(Open311.serviceNotice(appeal.type, urgent: appeal.urgent))), ("account_id", .text(fields["account_id"])),
        ])
        return Open311Document.list(element: "request", [answer]).response(receipt.duplicate ? .ok : .created, format: format, root: "service_requests")
    }

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}

/// The catalog as operators left it, read at most once a minute (as dispatch re-reads it): every
/// Open311 request needs it, and reading it is three queries and 400 items decoded.
private final class CatalogCache: Sendable {
    private let loaded = Mutex<(catalog: Catalog, at: ContinuousClock.Instant)?>(nil)
    static let refresh = Duration.seconds(60)

    func current(_ postgres: PostgresClient) async throws -> Catalog {
        if let loaded = loaded.withLock({ $0 }), ContinuousClock.now - loaded.at < Self.refresh { return loaded.catalog }
        let catalog = try await postgres.withConnection { try CatalogStore.load(on: $0).catalog }
        loaded.withLock { $0 = (catalog, .now) }
        return catalog
    }
}
