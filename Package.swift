// swift-tools-version:6.2
import PackageDescription

/// Our own targets (not the generated `APIDefinition`): existentials spelled `any`, only the members
/// of modules a file imports, imports internal unless marked `public`, and no warning left standing.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "pmo",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pmo-server", targets: ["pmo-server"]),
        .executable(name: "pmo-admin", targets: ["pmo-admin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Pure types and rules: no I/O, fast unit tests.
        .target(name: "Domain"),
        // postgres-nio access: migrations, tenant transactions, repositories.
        .target(
            name: "Persistence",
            dependencies: [
                "Domain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                // The checksum each applied migration is recorded with.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Migrations")]
        ),
        // What a request does across several stores, all or nothing: recording measurements with their
        // breaches, judging overdue deliverables, deciding a stage's gate. Request validation that names fields by JSON pointer
        // lives here or above, never in Persistence.
        .target(
            name: "UseCases",
            dependencies: [
                "Domain", "Persistence",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // Credentials, principals and scopes; tenant SSO verifies identity providers' tokens
        // (JWTKit) against key sets it may fetch over HTTP (AsyncHTTPClient).
        .target(
            name: "Auth",
            dependencies: [
                "Domain", "Persistence",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // Metering and usage.
        .target(name: "Billing", dependencies: ["Domain", "Persistence"]),
        // Types and server protocol generated from ../../openapi.yaml (a symlink).
        .target(
            name: "APIDefinition",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            // Only generated code lives here; the generator emits `public import`s that some files
            // do not use, which Swift 6 reports. Our own targets stay warning-free.
            swiftSettings: [.unsafeFlags(["-suppress-warnings"])],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // Handlers implementing the generated protocol, middleware, error translation, and the
        // operators' web console, whose pages call those handlers.
        .target(
            name: "API",
            dependencies: [
                "Domain", "Persistence", "UseCases", "Auth", "Billing", "APIDefinition",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                // SQLSTATEs and connection errors, told apart when translating errors into problems.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // HTTPParserError: a request that breaks HTTP framing is the client's fault (400).
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // The operators' web console: server-rendered HTML.
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The contract, served at /openapi.yaml and read at start-up for each operation's scope.
            resources: [.embedInCode("Resources/openapi.yaml")]
        ),
        // Composition root shared by the server and the tests.
        .target(
            name: "App",
            dependencies: [
                "API", "Domain", "Persistence", "UseCases", "Auth", "Billing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // The HTTP parts the request-read timeout handler sees.
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "pmo-server",
            dependencies: [
                "App",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Tenant manifests (parsing, planning, applying, exporting) and a tenant's data export and
        // erasure (used by pmo-admin and the tests).
        .target(
            name: "Provisioning",
            dependencies: [
                "Domain", "Persistence", "Auth",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "pmo-admin",
            dependencies: [
                "Domain", "Persistence", "Auth", "Provisioning", "UseCases",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "App", "APIDefinition", "Auth", "Domain", "Persistence",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Tests/TestSupport"
        ),
        // Pure rules, no I/O.
        .testTarget(name: "DomainTests", dependencies: ["Domain"]),
        // Pure pieces of the outer modules, beside the module they test.
        .testTarget(name: "AuthTests", dependencies: ["Auth"]),
        .testTarget(name: "ProvisioningTests", dependencies: ["Provisioning", "Auth", "Domain", "Persistence"]),
        // SQL against real PostgreSQL: migrations, isolation with the app role, the pool.
        .testTarget(
            name: "PersistenceTests",
            dependencies: ["TestSupport", "Persistence", "Domain", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // The HTTP API end to end against real PostgreSQL, through the router, a live socket and the
        // generated Swift client.
        .testTarget(
            name: "APITests",
            dependencies: [
                "TestSupport", "API", "APIDefinition", "Auth", "Domain", "Persistence", "UseCases",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The composition root: configuration, readiness, start-up checks, background writers.
        .testTarget(
            name: "AppTests",
            dependencies: [
                "TestSupport", "App", "Auth", "Billing", "Domain", "Persistence",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The admin CLI as a process.
        .testTarget(
            name: "CLITests",
            dependencies: [
                "TestSupport", "Provisioning", "Persistence", "Domain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.name != "APIDefinition" {
    target.swiftSettings = (target.swiftSettings ?? []) + strict
}
