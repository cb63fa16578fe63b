/// Exact integer arithmetic for money in minor units. Products such as budget × days or BAC × AC can
/// exceed `Int64`, so they are formed in `Int128` and only the final amount is narrowed.
enum MinorUnits {
    /// Narrows to `Int64`, pinning at its bounds. Only totals no currency reaches (above 92 quadrillion
    /// major units) are affected, and a pinned figure is better for a report than a crashed request.
    static func saturating(_ value: Int128) -> Int64 {
        if value > Int128(Int64.max) { return .max }
        if value < Int128(Int64.min) { return .min }
        return Int64(value)
    }

    /// `numerator / denominator` rounded half away from zero (2.5 → 3, −2.5 → −3), decided exactly
    /// rather than by binary floating point, where 62.5 may arrive as 62.499999…; nil for a zero
    /// denominator.
    static func roundedQuotient(_ numerator: Int128, _ denominator: Int128) -> Int128? {
        guard denominator != 0 else { return nil }
        let quotient = numerator / denominator  // truncates toward zero
        let remainder = numerator % denominator  // carries the numerator's sign
        guard remainder.magnitude * 2 >= denominator.magnitude else { return quotient }
        return (numerator < 0) == (denominator < 0) ? quotient + 1 : quotient - 1
    }

    /// `numerator / denominator` as a ratio; nil for a zero denominator, so no NaN or infinity escapes.
    static func ratio(_ numerator: Int128, _ denominator: Int128) -> Double? {
        denominator == 0 ? nil : Double(numerator) / Double(denominator)
    }
}
