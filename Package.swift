// swift-tools-version:6.1
import PackageDescription

// Layers point one way: C bindings → typed clients → pure domain → store and workers → HTTP → CLI.
let package = Package(
    name: "suban",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "suban", targets: ["suban"]),
        .executable(name: "suban-tools", targets: ["suban-tools"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"4.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis"),
        .systemLibrary(name: "CLibpq", path: "Sources/CLibpq"),
        .target(
            name: "BlockingIO",
            dependencies: [.product(name: "NIOPosix", package: "swift-nio")]
        ),
        .target(
            name: "Redis",
            dependencies: ["CHiredis", "BlockingIO", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "CivilDate"),
        .target(
            name: "Postgres",
            dependencies: ["CLibpq", "BlockingIO", "CivilDate", .product(name: "Logging", package: "swift-log")]
        ),
        // The models' arithmetic, optimised even in debug builds: the tests and `suban
        // evaluate` train on thousands of appeals, which unoptimised Swift makes minutes.
        .target(name: "SubanLearning", swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "SubanCore", dependencies: ["CivilDate", "SubanLearning"]),
        // The shipped catalog, labelled appeals and lexicons, as data files (`data/`).
        .target(name: "SubanData", dependencies: ["SubanCore"], resources: [.copy("data")]),
        .target(
            name: "SubanStore",
            dependencies: [
                "SubanCore", "Postgres", "Redis", "BlockingIO",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("migrations"), .copy("queries")]
        ),
        .target(
            name: "SubanWorkers",
            dependencies: [
                "SubanCore", "SubanData", "SubanStore", "Redis", "Postgres", "BlockingIO",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "SubanAPI",
            dependencies: [
                "SubanCore", "SubanStore", "SubanWorkers", "Postgres", "Redis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            // The web console's pages, stylesheet and script.
            resources: [.copy("console")]
        ),
        // What both executables share: the flags every command takes, logs and metrics, the clients.
        .target(
            name: "SubanCommand",
            dependencies: [
                "SubanAPI", "SubanWorkers", "SubanStore", "BlockingIO", "Postgres", "Redis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The production binary: every role and the operators' commands.
        .executableTarget(
            name: "suban",
            dependencies: [
                "SubanCommand", "SubanAPI", "SubanWorkers", "SubanStore", "SubanData", "SubanCore", "Postgres", "Redis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Load generation, chaos, the demo, the development sink and the evaluations, kept out of the production image.
        .executableTarget(
            name: "suban-tools",
            dependencies: [
                "SubanCommand", "SubanAPI", "SubanWorkers", "SubanStore", "SubanData", "SubanCore", "Postgres", "Redis", "BlockingIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // What the test targets share: the servers scripts/test.sh started (a database and a Redis
        // index of its own for each suite), sample appeals, roles run as processes.
        .target(
            name: "SubanTestSupport",
            dependencies: ["SubanStore", "SubanData", "SubanCore", "Postgres", "Redis", "BlockingIO",
                           .product(name: "Logging", package: "swift-log"), .product(name: "NIOPosix", package: "swift-nio")],
            path: "Tests/SubanTestSupport"
        ),
        // Pure: the domain, no servers.
        .testTarget(name: "SubanCoreTests", dependencies: ["SubanCore", "SubanData", "SubanLearning"]),
        // The connection pool and back-off over stand-in connections: no servers.
        .testTarget(name: "BlockingIOTests", dependencies: ["BlockingIO", .product(name: "NIOPosix", package: "swift-nio")]),
        // Each client's parsing without a server, then against the real one.
        .testTarget(name: "RedisTests", dependencies: ["Redis", "CHiredis", "SubanTestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "SubanTestSupport"]),
        // The store's queries and transactions on a real PostgreSQL.
        .testTarget(name: "StoreTests", dependencies: ["SubanStore", "SubanWorkers", "SubanData", "SubanCore", "SubanTestSupport"]),
        // The workers' rules on in-memory stand-ins, then each worker on the real servers.
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "SubanWorkers", "SubanAPI", "SubanStore", "SubanCore", "Redis", "Postgres", "BlockingIO", "SubanTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The HTTP surface: intake, the documented API, key limits.
        .testTarget(
            name: "APITests",
            dependencies: ["SubanAPI", "SubanWorkers", "SubanStore", "SubanCore", "SubanTestSupport",
                           .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
        // Whole flows: the pipeline, a ticket's life, roles as processes, metrics and logs.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "SubanAPI", "SubanWorkers", "SubanStore", "SubanData", "SubanCore", "SubanTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
