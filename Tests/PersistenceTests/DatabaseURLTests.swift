import Persistence
import Testing

/// Database URLs: parsing, redaction, sockets and TLS modes.
@Suite struct DatabaseURLTests {
    @Test func passwordsNeverAppearInTheDescription() throws {
        let url = try DatabaseURL(parsing: "postgres://owner:s3cr3t-pw@db.internal:6432/pmo")
        #expect(url.host == "db.internal")
        #expect(url.port == 6432)
        #expect(url.password == "s3cr3t-pw")
        #expect(!url.description.contains("s3cr3t-pw"))
        #expect(url.description == "postgres://owner:***@db.internal:6432/pmo")
        #expect(url.target == "db.internal:6432")
    }

    @Test func socketDirectoriesAreReadFromTheHostParameter() throws {
        let url = try DatabaseURL(parsing: "postgres://pmo_owner@localhost/pmo?host=/work/.pmo/run")
        #expect(url.socketDirectory == "/work/.pmo/run")
        #expect(url.target == "/work/.pmo/run/.s.PGSQL.5432")
        #expect(try DatabaseURL(parsing: url.connectionString).socketDirectory == "/work/.pmo/run")
    }

    @Test func sslModeFollowsLibpq() throws {
        #expect(try DatabaseURL(parsing: "postgres://u@db.internal/pmo").sslMode == .prefer)
        #expect(try DatabaseURL(parsing: "postgres://u@localhost/pmo?host=/run/pg").sslMode == .disable)
        #expect(try DatabaseURL(parsing: "postgres://u@db.internal/pmo?sslmode=verify-full").sslMode == .verifyFull)
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(parsing: "postgres://u@db/pmo?sslmode=maybe") }
    }

    @Test(arguments: ["mysql://a@b/c", "postgres://localhost/pmo", "postgres://user@localhost/", "not a url"])
    func invalidURLsAreRefused(_ text: String) {
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(parsing: text) }
    }
}
