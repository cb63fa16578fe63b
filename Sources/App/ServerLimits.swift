/// How long anything may wait, so that no fault (a lock, a frozen or restarting database, a slow
/// client, a shutdown) keeps a request, a connection or the process waiting without end.
public struct ServerLimits: Sendable {
    /// PostgreSQL's `statement_timeout` for the server's sessions: a statement running longer is
    /// cancelled (the request gets 503). A connection held for twice this is closed under its request.
    public var statementTimeout: Duration
    /// PostgreSQL's `lock_timeout`: a statement waiting longer for a lock fails (503).
    public var lockTimeout: Duration
    /// How long a request waits for a free pooled connection before 503.
    public var acquireTimeout: Duration
    /// How long a client has to send a request's head, and then its body, before the connection is
    /// closed (a client that dribbles its headers holds a connection no longer than this).
    public var headerTimeout: Duration
    /// How long a keep-alive connection may sit idle between requests.
    public var idleTimeout: Duration
    /// Open client connections at most; beyond, new ones wait in the listen backlog.
    public var maxConnections: Int
    /// After SIGTERM, how long the server keeps accepting and answering (readiness says 503 and
    /// every response says `Connection: close`) before it stops accepting, so a load balancer has
    /// time to stop sending new connections.
    public var drain: Duration
    /// From SIGTERM, how long the whole shutdown may take before the process exits regardless.
    public var shutdownTimeout: Duration

    public init(statementTimeout: Duration = .seconds(10), lockTimeout: Duration = .seconds(2),
                acquireTimeout: Duration = .seconds(2), headerTimeout: Duration = .seconds(10),
                idleTimeout: Duration = .seconds(60), maxConnections: Int = 4096, drain: Duration = .seconds(5),
                shutdownTimeout: Duration = .seconds(30)) {
        self.statementTimeout = statementTimeout
        self.lockTimeout = lockTimeout
        self.acquireTimeout = acquireTimeout
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.drain = drain
        self.shutdownTimeout = shutdownTimeout
    }

    /// How long one statement of a data export may run (reading a big table of a big tenant).
    static let exportStatementTimeout: Duration = .seconds(300)

    /// The data export runner's sessions: `sessionSettings` with the export's statement timeout.
    var exportSessionSettings: [(String, String)] {
        [("statement_timeout", "\(Self.exportStatementTimeout.milliseconds)"), ("lock_timeout", "\(lockTimeout.milliseconds)"),
         ("idle_in_transaction_session_timeout", "\((Self.exportStatementTimeout * 2).milliseconds)")]
    }

    /// Session settings sent when each connection opens, in milliseconds as PostgreSQL reads them.
    var sessionSettings: [(String, String)] {
        [("statement_timeout", "\(statementTimeout.milliseconds)"), ("lock_timeout", "\(lockTimeout.milliseconds)"),
         // A transaction left open (a request abandoned half-way) holds its locks no longer than this.
         ("idle_in_transaction_session_timeout", "\((statementTimeout * 2).milliseconds)")]
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
