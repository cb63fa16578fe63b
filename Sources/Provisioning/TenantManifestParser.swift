import Auth
import Domain
import Foundation
import Yams

extension TenantManifest {
    /// Reads and checks a manifest: every mistake is reported with its field's path and line. What
    /// only the database can say (a plan or platform template that does not exist, an SSO issuer
    /// another tenant trusts) is checked when the manifest is applied.
    public static func parse(_ text: String) throws(ManifestError) -> TenantManifest {
        let reader = try FieldReader.document(text, of: "fields")
        try reader.allow(Set(fields[""]!))
        let slug = try reader.string("slug")
        guard TenantSlug.isValid(slug) else {
            throw reader.error("slug", "must match ^[a-z0-9][a-z0-9-]{1,62}$")
        }
        let name = try reader.string("name")
        guard TextRules.isPrintable(name, maxLength: 200), !TextRules.isBlank(name) else {
            throw reader.error("name", "must be 1–200 characters, not blank, without control characters")
        }
        let plan = try reader.string("plan")
        guard PlanTerms.isValidCode(plan) else {
            throw reader.error("plan", "must be a plan code: 2 to 40 characters, lower-case letters, digits, - and _")
        }
        let status: TenantStatus? = try reader.optionalEnumeration("status")
        if let status, !settableStatuses.contains(status) {
            throw reader.error("status", "a manifest may set \(settableStatuses.map(\.rawValue).joined(separator: ", "))")
        }
        return TenantManifest(
            slug: slug, name: name, plan: plan, status: status, members: try members(reader),
            apiKeys: try named(reader, "apiKeys").map { APIKey(name: $0.name, scopes: $0.scopes) },
            apiClients: try named(reader, "apiClients").map { APIClient(name: $0.name, scopes: $0.scopes) },
            sso: try sso(reader), templates: try templates(reader), calendar: try calendar(reader),
            projects: try projects(reader))
    }

    private static func members(_ reader: FieldReader) throws(ManifestError) -> [Member] {
        var members: [Member] = []
        for item in try reader.items("members", allowed: Set(fields["members[]"]!)) {
            guard let email = EmailAddress.normalize(try item.string("email")) else {
                throw item.error("email", "must be an e-mail address: printable ASCII with one @")
            }
            let name = try item.optionalString("name")
            if let name, !TextRules.isPrintable(name, maxLength: 200) || TextRules.isBlank(name) {
                throw item.error("name", "must be 1–200 characters, not blank, without control characters")
            }
            guard !members.contains(where: { $0.email == email }) else { throw item.error("email", "\(email) is listed twice") }
            members.append(Member(email: email, name: name, role: try item.enumeration("role")))
        }
        return members
    }

    /// `apiKeys` and `apiClients`: a unique name and at least one tenant scope each.
    private static func named(_ reader: FieldReader, _ key: String) throws(ManifestError) -> [(name: String, scopes: [Scope])] {
        var entries: [(name: String, scopes: [Scope])] = []
        for item in try reader.items(key, allowed: Set(fields[key + "[]"]!)) {
            let name = try item.string("name")
            guard TextRules.isPrintable(name, maxLength: 200), !TextRules.isBlank(name) else {
                throw item.error("name", "must be 1–200 characters, not blank, without control characters")
            }
            var scopes: [Scope] = []
            for node in try item.sequence("scopes") {
                guard let text = node.string, let scope = Scope(rawValue: text), !scope.isPlatform else {
                    throw item.error("scopes", "unknown scope \(node.string ?? "?"); known: \(tenantScopes.map(\.rawValue).joined(separator: ", "))", node)
                }
                scopes.append(scope)
            }
            guard !scopes.isEmpty else { throw item.error("scopes", "must name at least one scope") }
            guard !entries.contains(where: { $0.name == name }) else { throw item.error("name", "\(name) is listed twice") }
            entries.append((name, Array(Set(scopes)).sorted()))
        }
        return entries
    }

    private static func sso(_ reader: FieldReader) throws(ManifestError) -> SSOConfigFields? {
        guard let sso = try reader.optionalMapping("sso") else { return nil }
        try sso.allow(Set(fields["sso"]!))
        let issuer = try sso.string("issuer"), audience = try sso.string("audience")
        let emailClaim = try sso.optionalString("emailClaim") ?? "email"
        for (field, value, limit) in [("issuer", issuer, 2048), ("audience", audience, 2048), ("emailClaim", emailClaim, 100)]
            where !SSOConfigFields.isToken(value, maxLength: limit) {
            throw sso.error(field, "must be 1–\(limit) printable ASCII characters without spaces")
        }
        switch (try sso.optionalString("jwksUrl"), try sso.optionalString("jwks")) {
        case (let url?, nil):
            guard KeySetURLPolicy(allowInsecure: false).accepts(url) else {
                throw sso.error("jwksUrl", "must be an https URL of a public host")
            }
            return SSOConfigFields(issuer: issuer, audience: audience, keys: .url(url), emailClaim: emailClaim)
        case (nil, let document?):
            // The keys themselves are checked when the manifest is applied, as `PUT /v1/sso` checks them.
            guard (try? JSONSerialization.jsonObject(with: Data(document.utf8))) is [String: Any] else {
                throw sso.error("jwks", "must be a JWKS document: a JSON object as text")
            }
            // PostgreSQL's jsonb holds no NUL character; nothing in a key set needs one.
            guard !document.contains("\\u0000"), !document.unicodeScalars.contains("\u{0}") else {
                throw sso.error("jwks", "must not contain NUL characters")
            }
            return SSOConfigFields(issuer: issuer, audience: audience, keys: .inline(document), emailClaim: emailClaim)
        default:
            throw sso.error("jwksUrl", "give exactly one of jwksUrl and jwks")
        }
    }

    private static func templates(_ reader: FieldReader) throws(ManifestError) -> [String] {
        var names: [String] = []
        for node in try reader.sequence("templates") {
            guard let name = node.string, TextRules.isPrintable(name, maxLength: 200), !TextRules.isBlank(name) else {
                throw reader.error("templates", "must list platform template names (text)", node)
            }
            guard !names.contains(name) else { throw reader.error("templates", "\(name) is listed twice", node) }
            names.append(name)
        }
        return names
    }

    private static func calendar(_ reader: FieldReader) throws(ManifestError) -> WorkingCalendar? {
        guard let settings = try reader.optionalMapping("settings") else { return nil }
        try settings.allow(Set(fields["settings"]!))
        var weekdays: Set<Int> = []
        for node in try settings.sequence("workingWeekdays") {
            guard let day = node.int, (1...7).contains(day) else {
                throw settings.error("workingWeekdays", "must list ISO weekdays, 1 (Monday) to 7 (Sunday)", node)
            }
            weekdays.insert(day)
        }
        guard !weekdays.isEmpty || settings.node("workingWeekdays") == nil else {
            throw settings.error("workingWeekdays", "must name at least one working day")
        }
        var holidays: Set<CalendarDate> = []
        for node in try settings.sequence("holidays") {
            guard let text = node.string, let date = CalendarDate(text) else {
                throw settings.error("holidays", "must list dates YYYY-MM-DD", node)
            }
            holidays.insert(date)
        }
        return WorkingCalendar(workingWeekdays: weekdays.isEmpty ? WorkingCalendar.standard.workingWeekdays : weekdays,
                               holidays: holidays)
    }

    private static func projects(_ reader: FieldReader) throws(ManifestError) -> [ProjectFields] {
        var projects: [ProjectFields] = []
        for item in try reader.items("projects", allowed: Set(fields["projects[]"]!)) {
            let fields = ProjectFields(
                code: try item.string("code"), name: try item.string("name"),
                methodology: try item.optionalEnumeration("methodology") ?? .predictive,
                phase: try item.optionalEnumeration("phase") ?? .initiating,
                status: try item.optionalEnumeration("status") ?? .proposed,
                sponsor: try item.optionalString("sponsor"), manager: try item.optionalString("manager"),
                plannedStart: try item.optionalDate("plannedStart"),
                plannedFinish: try item.optionalDate("plannedFinish"),
                budgetAtCompletion: try item.optionalInteger("budgetAtCompletion") ?? 0,
                currency: try item.string("currency"))
            do {
                try fields.validate()
            } catch {
                let first = error.errors[0]
                throw item.error(String(first.pointer.dropFirst()), first.detail)
            }
            guard !projects.contains(where: { $0.code == fields.code }) else {
                throw item.error("code", "\(fields.code) is used twice")
            }
            projects.append(fields)
        }
        return projects
    }
}
