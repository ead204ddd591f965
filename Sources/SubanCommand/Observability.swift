import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import SubanAPI
import SubanWorkers

/// Logs (text or JSON lines) and metrics (Prometheus) for every role, set up once at start.
public enum Observability {
    /// Every metric this process reports; `/metrics` renders it.
    public static let registry = PrometheusCollectorRegistry()

    public static func bootstrap(level: Logger.Level, json: Bool) {
        LoggingSystem.bootstrap { label in
            if json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var factory = PrometheusMetricsFactory(registry: registry)
        // Stage and batch times run from a millisecond to seconds.
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                                   .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                                   .seconds(2.5), .seconds(5)]
        factory.defaultValueHistogramBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
        MetricsSystem.bootstrap(factory)
    }

    /// The Prometheus text exposition of everything recorded so far.
    @Sendable public static func render() -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
