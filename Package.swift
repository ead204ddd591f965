// swift-tools-version:6.1
import PackageDescription

// Layers point one way: C bindings → typed clients → pure domain → store and workers → HTTP → CLI.
let package = Package(
    name: "suban",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "suban", targets: ["suban"]),
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
            resources: [.copy("migrations")]
        ),
        .target(
            name: "SubanWorkers",
            dependencies: [
                "SubanCore", "SubanData", "SubanStore", "Redis", "Postgres",
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
            ]
        ),
        .executableTarget(
            name: "suban",
            dependencies: [
                "SubanAPI", "SubanWorkers", "SubanStore", "SubanData", "BlockingIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "SubanCoreTests", dependencies: ["SubanCore", "SubanData", "SubanLearning"]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "CHiredis"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "SubanAPI", "SubanWorkers", "SubanStore", "SubanData",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
