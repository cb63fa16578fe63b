/// Splits a migration file into its statements, so that each runs as a statement of its own.
///
/// A file cannot go to the server whole: the extended protocol takes one statement at a time. Sending
/// the statements one by one, as psql does with a file, also lets Citus plan and propagate each DDL
/// statement as itself. The split happens at `;` outside quoted text: '...' strings (with '' inside),
/// E'...' strings (with backslash escapes), "..."
/// identifiers, $tag$...$tag$ bodies, `--` comments and nested /* */ comments. Blank and comment-only
/// pieces are dropped.
enum SQLStatements {
    static func split(_ sql: String) -> [String] {
        let text = Array(sql.unicodeScalars)
        var statements: [String] = []
        var start = 0
        var index = 0

        func piece(_ from: Int, _ to: Int) -> String {
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: text[from..<to])
            return String(scalars)
        }
        func flush(upTo end: Int) {
            let statement = piece(start, end)
            if hasCode(statement) { statements.append(statement.trimmingWhitespace()) }
        }

        while index < text.count {
            let scalar = text[index]
            switch scalar {
            case "'":
                let escapes = index > 0 && (text[index - 1] == "E" || text[index - 1] == "e")
                    && (index < 2 || !isIdentifierPart(text[index - 2]))
                index = endOfQuoted(text, from: index, quote: "'", backslashEscapes: escapes)
            case "\"":
                index = endOfQuoted(text, from: index, quote: "\"", backslashEscapes: false)
            case "-" where index + 1 < text.count && text[index + 1] == "-":
                while index < text.count && text[index] != "\n" { index += 1 }
            case "/" where index + 1 < text.count && text[index + 1] == "*":
                index = endOfBlockComment(text, from: index)
            case "$":
                if let tag = dollarTag(text, at: index, after: index > 0 ? text[index - 1] : nil) {
                    index = endOfDollarQuoted(text, from: index + tag.count, tag: tag)
                } else {
                    index += 1
                }
            case ";":
                flush(upTo: index)
                index += 1
                start = index
            default:
                index += 1
            }
        }
        flush(upTo: text.count)
        return statements
    }

    /// The index after the closing quote (a doubled quote is part of the text).
    private static func endOfQuoted(
        _ text: [Unicode.Scalar], from open: Int, quote: Unicode.Scalar, backslashEscapes: Bool
    ) -> Int {
        var index = open + 1
        while index < text.count {
            if backslashEscapes && text[index] == "\\" { index += 2; continue }
            if text[index] == quote {
                if index + 1 < text.count && text[index + 1] == quote { index += 2; continue }
                return index + 1
            }
            index += 1
        }
        return text.count
    }

    /// The index after the comment's close; block comments nest in PostgreSQL.
    private static func endOfBlockComment(_ text: [Unicode.Scalar], from open: Int) -> Int {
        var depth = 0
        var index = open
        while index < text.count {
            if text[index] == "/" && index + 1 < text.count && text[index + 1] == "*" {
                depth += 1; index += 2
            } else if text[index] == "*" && index + 1 < text.count && text[index + 1] == "/" {
                depth -= 1; index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return text.count
    }

    /// `$$` or `$tag$` starting at `index`, or nil for anything else (`$1`, a `$` inside a name).
    private static func dollarTag(_ text: [Unicode.Scalar], at index: Int, after previous: Unicode.Scalar?) -> [Unicode.Scalar]? {
        if let previous, isIdentifierPart(previous) { return nil }
        var end = index + 1
        while end < text.count && text[end] != "$" {
            guard isIdentifierPart(text[end]), !(end == index + 1 && ("0"..."9").contains(text[end])) else { return nil }
            end += 1
        }
        guard end < text.count else { return nil }
        return Array(text[index...end])
    }

    private static func endOfDollarQuoted(_ text: [Unicode.Scalar], from bodyStart: Int, tag: [Unicode.Scalar]) -> Int {
        var index = bodyStart
        while index + tag.count <= text.count {
            if text[index] == "$" && Array(text[index..<index + tag.count]) == tag { return index + tag.count }
            index += 1
        }
        return text.count
    }

    private static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }

    /// Whether a piece holds anything but white space and comments.
    private static func hasCode(_ piece: String) -> Bool {
        let text = Array(piece.unicodeScalars)
        var index = 0
        while index < text.count {
            let scalar = text[index]
            if scalar.properties.isWhitespace {
                index += 1
            } else if scalar == "-" && index + 1 < text.count && text[index + 1] == "-" {
                while index < text.count && text[index] != "\n" { index += 1 }
            } else if scalar == "/" && index + 1 < text.count && text[index + 1] == "*" {
                index = endOfBlockComment(text, from: index)
            } else {
                return true
            }
        }
        return false
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
