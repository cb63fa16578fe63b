public import Auth

/// The key-encryption key every test seals signing keys with, for the apps the tests build and
/// the binaries they run (a fixed value: a test database is thrown away with its keys).
public enum TestKeys {
    public static let signingKeyEncryptionKey = "dGVzdC1vbmx5LWtleS1lbmNyeXB0aW9uLWtleS0zMiE="
    public static let signingKeySeal = try! SigningKeySeal(base64: signingKeyEncryptionKey)
    /// Environment for a child process: the test key unless the test run set one.
    public static var environment: [String: String] { [SigningKeySeal.environmentVariable: signingKeyEncryptionKey] }
}
