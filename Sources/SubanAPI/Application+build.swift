import Hummingbird
import Logging
import ServiceLifecycle

/// Which route groups a role serves; intake and api are separate roles that
/// scale apart, and tests mount both on one router.
public struct RouteSet: Sendable {
    public var intake: IntakeRoutes?
    public var citizen: CitizenRoutes?

    public init(intake: IntakeRoutes? = nil, citizen: CitizenRoutes? = nil) {
        self.intake = intake
        self.citizen = citizen
    }
}

public func buildRouter(_ routes: RouteSet) -> Hummingbird.Router<BasicRequestContext> {
    let router = Hummingbird.Router()
    router.add(middleware: JSONErrorMiddleware())
    router.get("/health") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n"))) }
    routes.intake?.register(on: router)
    routes.citizen?.register(on: router)
    return router
}

public func buildApplication(
    _ routes: RouteSet, host: String, port: Int, services: [any Service] = [], logger: Logger
) -> some ApplicationProtocol {
    Application(router: buildRouter(routes), configuration: .init(address: .hostname(host, port: port), serverName: "suban"),
                services: services, logger: logger)
}
