// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "groupbot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "groupbot", targets: ["groupbot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // The system PCRE2 library (8-bit code units), found through pkg-config.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // A small, safe Swift wrapper over PCRE2: no C pointer leaves it.
        .target(name: "PCRE2", dependencies: ["CPCRE2"]),
        // What a regex needs of a text before it is worth running (required literals,
        // character classes, counts): groupbot's prefilter, read from the pattern's source.
        .target(name: "RegexPrefilter"),
        // Events, actions, the engine, clocks and timers. No I/O.
        .target(name: "GroupbotCore", dependencies: ["PCRE2", "RegexPrefilter"]),
        // The rule DSL: YAML files → validated, compiled rule sets.
        .target(
            name: "GroupbotRules",
            dependencies: ["GroupbotCore", "PCRE2", "RegexPrefilter", .product(name: "Yams", package: "Yams")]
        ),
        // The wire format: JSON lines framed and parsed, events decoded, actions encoded.
        .target(name: "GroupbotWire", dependencies: ["GroupbotCore"]),
        // What `run` and `serve` share without HTTP: the event pipeline, the store seam
        // (`EngineStore`) and its writer thread, the pipeline's clock, the rule reloader.
        .target(name: "GroupbotRuntime", dependencies: ["GroupbotCore", "GroupbotRules", "GroupbotWire"]),
        // The stdin/stdout transport: file descriptors in and out, the stream runner, the JSON-lines sink.
        .target(name: "GroupbotTransports", dependencies: ["GroupbotCore", "GroupbotWire", "GroupbotRuntime"]),
        // Replay tooling for the CLI: reports, rule-set diffs, line diffs.
        .target(name: "GroupbotReplay", dependencies: ["GroupbotCore", "GroupbotWire", "GroupbotRuntime", "GroupbotTransports", "GroupbotConsole"]),
        // Request signatures and tokens: Standard Webhooks, OneBot's X-Signature, bearer tokens.
        .target(name: "GroupbotSignatures", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The OneBot v11 dialect: reports → events, actions → quick operations and API calls. No I/O.
        .target(name: "GroupbotOneBot", dependencies: ["GroupbotCore", "GroupbotWire"]),
        // The Telegram Bot API dialect: updates → events, actions → Bot API calls. No I/O.
        .target(name: "GroupbotTelegram", dependencies: ["GroupbotCore", "GroupbotWire"]),
        // Durable state: journal, outbox, snapshots, daily stats and deliveries, in a SQLite
        // file (WAL, the embedded default) or a PostgreSQL database, through one SQL seam.
        .target(
            name: "GroupbotStore",
            dependencies: [
                "GroupbotCore", "GroupbotRuntime", "GroupbotWire", .product(name: "GRDB", package: "GRDB.swift"),
                // The audit log's batches are kept deflated (Deflate); it links the system zlib.
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `groupbot serve`: the HTTP webhook transport (Hummingbird), signatures,
        // callback delivery with retries (async-http-client), metrics and the OneBot v11 endpoint.
        // The operators' console: its pages (Mustache templates, SVG charts), sign-in and
        // sessions, in Chinese and English. No I/O: the server hands it the figures.
        .target(
            name: "GroupbotConsole",
            dependencies: ["GroupbotCore", "GroupbotSignatures", .product(name: "Mustache", package: "swift-mustache")]
        ),
        .target(
            name: "GroupbotServer",
            dependencies: [
                "GroupbotCore", "GroupbotRules", "GroupbotWire", "GroupbotRuntime", "GroupbotStore", "GroupbotOneBot",
                "GroupbotTelegram", "GroupbotSignatures", "GroupbotConsole", "GroupbotReplay", "GroupbotTransports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "groupbot",
            dependencies: [
                "GroupbotCore", "GroupbotRules", "GroupbotWire", "GroupbotRuntime", "GroupbotTransports", "GroupbotReplay",
                "GroupbotStore", "GroupbotServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ]
        ),
        // The fuzz targets (docs/security.md): built with libFuzzer by `make fuzz`; in an
        // ordinary build, a runner that replays the seed corpus and mutates it for a while.
        // What tests, fuzzing and workloads share: a seeded random generator.
        .target(name: "GroupbotTestSupport"),
        .target(name: "CLibFuzzer"),
        .executableTarget(
            name: "groupbot-fuzz",
            dependencies: ["CLibFuzzer", "GroupbotTestSupport", "GroupbotCore", "GroupbotWire", "GroupbotOneBot", "GroupbotTelegram", "GroupbotRules",
                           "GroupbotSignatures"]
        ),
        .testTarget(name: "PCRE2Tests", dependencies: ["PCRE2"]),
        .testTarget(name: "RegexPrefilterTests", dependencies: ["RegexPrefilter", "PCRE2", "GroupbotTestSupport"]),
        .testTarget(name: "GroupbotCoreTests", dependencies: ["GroupbotCore"]),
        .testTarget(name: "GroupbotRulesTests", dependencies: ["GroupbotRules", "GroupbotTestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(
            name: "GroupbotStoreTests",
            dependencies: ["GroupbotStore", "GroupbotRules", "GroupbotWire", "GroupbotRuntime", "GroupbotTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "GroupbotServerTests",
            dependencies: [
                "GroupbotServer", "GroupbotCore", "GroupbotRules", "GroupbotStore", "GroupbotWire", "GroupbotRuntime",
                "GroupbotSignatures", "GroupbotTestSupport",
                // The process tests run the built executable (`BuiltProduct`): build it first.
                "groupbot",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "GroupbotTransportsTests",
            dependencies: [
                "GroupbotWire", "GroupbotRuntime", "GroupbotTransports", "GroupbotReplay", "GroupbotRules", "GroupbotTestSupport",
                "groupbot",  // the command-line tests run the built executable (`BuiltProduct`)
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "GroupbotTelegramTests",
            dependencies: ["GroupbotTelegram", "GroupbotCore", "GroupbotWire", "GroupbotRules", "GroupbotRuntime", "GroupbotTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "GroupbotOneBotTests",
            dependencies: ["GroupbotOneBot", "GroupbotCore", "GroupbotWire"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
