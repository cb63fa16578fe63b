/// Text rules shared by every resource's free-text fields, matching the contract's patterns.
public enum TextRules {
    /// 1…`maxLength` code points (as JSON Schema counts them) without C0/C1 control characters.
    public static func isPrintable(_ text: String, maxLength: Int) -> Bool {
        let scalars = text.unicodeScalars
        return !scalars.isEmpty && scalars.count <= maxLength && !scalars.contains(where: isControl)
    }

    /// Only whitespace as ECMAScript's `\s` defines it, the class the contract's patterns use.
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
            default: false
            }
        }
    }

    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value <= 0x1F || (0x7F...0x9F).contains(scalar.value)
    }
}

/// An e-mail address as members are known by: printable ASCII, one `@` with text on both sides,
/// stored in lower case (ASCII only, so the server and PostgreSQL agree on what lower case is).
public enum EmailAddress {
    /// The normalized address, or nil when it breaks the rules (3–254 characters, `local@domain`).
    public static func normalize(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard (3...254).contains(bytes.count),
              bytes.allSatisfy({ (0x21...0x7E).contains($0) }),
              bytes.filter({ $0 == UInt8(ascii: "@") }).count == 1,
              bytes.first != UInt8(ascii: "@"), bytes.last != UInt8(ascii: "@")
        else { return nil }
        return String(decoding: bytes.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}

extension FieldChecks {
    /// A display name (of a project, member, client or key): 1–200 characters, not blank, no control
    /// characters. Nil is not checked (absent, or cleared where that is allowed).
    public mutating func requireName(_ name: String?, at pointer: String = "/name") {
        guard let name else { return }
        require(TextRules.isPrintable(name, maxLength: 200) && !TextRules.isBlank(name), pointer,
                "must be 1–200 characters, not blank, without control characters")
    }
}

extension FieldChecks {
    /// A stated reason (for a suspension, an offboarding, a void): 1–500 characters, not blank, no
    /// control characters. Nil is not checked.
    public mutating func requireReason(_ reason: String?, at pointer: String = "/reason") {
        guard let reason else { return }
        require(TextRules.isReason(reason), pointer, "must be 1–500 characters, not blank, without control characters")
    }
}

extension TextRules {
    /// The rule of `FieldChecks.requireReason`, for the admin CLI's `--reason`.
    public static func isReason(_ text: String) -> Bool { isPrintable(text, maxLength: 500) && !isBlank(text) }
}

extension FieldChecks {
    /// Free text (a description): 1–`maxLength` characters, not blank, no NUL (line breaks are fine).
    /// Nil is not checked.
    public mutating func requireText(_ text: String?, maxLength: Int, at pointer: String) {
        guard let text else { return }
        require(text.unicodeScalars.count <= maxLength && !TextRules.isBlank(text) && !text.unicodeScalars.contains("\u{0}"),
                pointer, "must be 1–\(maxLength) characters, not blank, without NUL")
    }
}
