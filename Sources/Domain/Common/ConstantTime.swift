/// Comparing secrets (or their hashes) without leaking, by how long the comparison takes, where
/// they first differ.
public enum ConstantTime {
    /// Whether the two are equal, in time that depends only on their lengths.
    public static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
