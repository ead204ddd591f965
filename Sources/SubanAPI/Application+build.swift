import Hummingbird
import Logging
import NIOCore
import Postgres
import Redis
import SubanStore
import SubanWorkers
import ServiceLifecycle

/// Which route groups a role serves; intake and api are separate roles that
/// scale apart, and tests mount both on one router.
public struct RouteSet: Sendable {
    public var intake: IntakeRoutes?
    public var citizen: CitizenRoutes?
    public var departments: DepartmentRoutes?
    public var operators: OperatorRoutes?
    public var analytics: AnalyticsRoutes?
    public var console: ConsoleRoutes?
    /// Open311 GeoReport v2 (the intake role).
    public var open311: Open311Routes?
    /// The Prometheus text exposition, served at `/metrics` when set.
    public var metrics: (@Sendable () -> String)?
    /// Answers 429 to a client that keeps sending refused keys (the api role).
    public var failedKeys: FailedKeyLimiter?

    public init(intake: IntakeRoutes? = nil, citizen: CitizenRoutes? = nil, departments: DepartmentRoutes? = nil, operators: OperatorRoutes? = nil,
                analytics: AnalyticsRoutes? = nil, console: ConsoleRoutes? = nil) {
        self.intake = intake
        self.citizen = citizen
        self.departments = departments
        self.operators = operators
        self.analytics = analytics
        self.console = console
    }
}

public enum APIRoutes {
    /// Everything the api role serves.
    public static func all(_ postgres: PostgresClient, _ redis: RedisClient, publisher: OutboxPublisher, calendars: CalendarSource,
                           lease: Duration, logger: Logger) -> RouteSet {
        let actions = TicketActions(postgres: postgres, publisher: publisher, calendars: calendars, logger: logger)
        return RouteSet(citizen: CitizenRoutes(postgres: postgres, actions: actions),
                        departments: DepartmentRoutes(actions: actions, queue: DepartmentQueue(redis: redis, postgres: postgres, lease: lease)),
                        operators: OperatorRoutes(actions: actions), analytics: AnalyticsRoutes(postgres: postgres),
                        console: ConsoleRoutes(postgres: postgres, redis: redis))
    }
}

/// Hummingbird's basic context plus the peer's address, which intake's per-client limit keys on.
public struct SubanRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

public func buildRouter(_ routes: RouteSet) -> Router<SubanRequestContext> {
    let router = Router(context: SubanRequestContext.self)
    router.add(middleware: JSONErrorMiddleware())
    // Requests, their durations and errors per route (http_server_* in Prometheus).
    router.add(middleware: MetricsMiddleware())
    if let failedKeys = routes.failedKeys { router.add(middleware: failedKeys) }
    router.get("/health") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n"))) }
    routes.intake?.register(on: router)
    routes.citizen?.register(on: router)
    routes.departments?.register(on: router)
    routes.operators?.register(on: router)
    routes.analytics?.register(on: router)
    routes.console?.register(on: router)
    routes.open311?.register(on: router)
    if let metrics = routes.metrics { router.get("/metrics") { _, _ in metricsResponse(metrics()) } }
    return router
}

func metricsResponse(_ text: String) -> Response {
    Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
}

/// A worker role's own small server: `/metrics` for Prometheus and `/health`.
public func buildMetricsApplication(host: String, port: Int, render: @escaping @Sendable () -> String, logger: Logger) -> some Service {
    let router = Router()
    router.get("/metrics") { _, _ in metricsResponse(render()) }
    router.get("/health") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n"))) }
    return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "suban-metrics"), logger: logger)
}

public func buildApplication(
    _ routes: RouteSet, host: String, port: Int, services: [any Service] = [], logger: Logger
) -> some ApplicationProtocol {
    Application(router: buildRouter(routes), configuration: .init(address: .hostname(host, port: port), serverName: "suban"),
                services: services, logger: logger)
}
