import Auth
import Testing

/// The API key format: generation, parsing, and matching only its own hash.
@Suite struct APIKeyFormatTests {
    @Test func generatedKeysParseBackAndMatchOnlyTheirOwnHash() throws {
        let key = SecretToken.generate()
        #expect(key.token.hasPrefix("pmo_live_"))
        let parsed = try #require(SecretToken(token: key.token))
        #expect(parsed == key)
        #expect(parsed.matches(storedHash: key.secretHash))
        #expect(!SecretToken.generate().matches(storedHash: key.secretHash))
        #expect(key.secretHash.count == 32)
        #expect(key.secret.count == 52)  // 256 random bits in base32
    }

    @Test(arguments: ["", "pmo_live_", "pmo_test_abcdefghijkl_" + String(repeating: "a", count: 52),
                      "pmo_live_ABCDEFGHIJKL_" + String(repeating: "a", count: 52),
                      "pmo_live_abcdefghijkl_" + String(repeating: "a", count: 51),
                      "pmo_live_abcdefghijkl_" + String(repeating: "1", count: 52),
                      "pmo_live_abcdefghijkl-" + String(repeating: "a", count: 52),
                      "pmo_live_abcdefghijk_" + String(repeating: "a", count: 53),
                      "pmo_live_abcdefghijkl_" + String(repeating: "a", count: 51) + "é",
                      "pmo_live_abcdefghijkl_" + String(repeating: "a", count: 52) + " "])
    func malformedTokensAreRejected(_ token: String) {
        #expect(SecretToken(token: token) == nil)
    }
}
