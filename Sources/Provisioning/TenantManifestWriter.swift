import Auth
import Domain
import Yams

extension TenantManifest {
    /// The manifest as YAML that `parse` reads back to the same manifest: sections in the order of
    /// tenants/README.md, empty sections left out, text quoted wherever YAML would read it as
    /// something else (`null`, `yes`, `42`).
    public func yaml() throws -> String {
        var root: [(Node, Node)] = [("slug", text(slug)), ("name", text(name)), ("plan", text(plan))]
        if let status { root.append(("status", text(status.rawValue))) }
        if !members.isEmpty {
            root.append(("members", Node(members.map { member in
                var fields: [(Node, Node)] = [("email", text(member.email))]
                if let name = member.name { fields.append(("name", text(name))) }
                fields.append(("role", text(member.role.rawValue)))
                return Node(fields)
            })))
        }
        if !apiKeys.isEmpty { root.append(("apiKeys", named(apiKeys.map { ($0.name, $0.scopes) }))) }
        if !apiClients.isEmpty { root.append(("apiClients", named(apiClients.map { ($0.name, $0.scopes) }))) }
        if let sso {
            var fields: [(Node, Node)] = [("issuer", text(sso.issuer)), ("audience", text(sso.audience))]
            switch sso.keys {
            case .url(let url): fields.append(("jwksUrl", text(url)))
            case .inline(let document): fields.append(("jwks", text(document)))
            }
            fields.append(("emailClaim", text(sso.emailClaim)))
            root.append(("sso", Node(fields)))
        }
        if !templates.isEmpty { root.append(("templates", Node(templates.map(text)))) }
        if let calendar {
            let settings: [(Node, Node)] = [
                ("workingWeekdays", flow(calendar.workingWeekdays.sorted().map { Node(String($0)) })),
                ("holidays", flow(calendar.holidays.sorted().map { Node($0.description) })),
            ]
            root.append(("settings", Node(settings)))
        }
        if !projects.isEmpty { root.append(("projects", Node(projects.map(project)))) }
        return try Yams.serialize(node: Node(root), width: -1, allowUnicode: true)
    }

    private func named(_ entries: [(name: String, scopes: [Scope])]) -> Node {
        Node(entries.map { entry in
            let fields: [(Node, Node)] = [("name", text(entry.name)), ("scopes", flow(entry.scopes.map { text($0.rawValue) }))]
            return Node(fields)
        })
    }

    private func project(_ fields: ProjectFields) -> Node {
        var pairs: [(Node, Node)] = [
            ("code", text(fields.code)), ("name", text(fields.name)), ("methodology", text(fields.methodology.rawValue)),
            ("phase", text(fields.phase.rawValue)), ("status", text(fields.status.rawValue)),
        ]
        if let sponsor = fields.sponsor { pairs.append(("sponsor", text(sponsor))) }
        if let manager = fields.manager { pairs.append(("manager", text(manager))) }
        if let start = fields.plannedStart { pairs.append(("plannedStart", Node(start.description))) }
        if let finish = fields.plannedFinish { pairs.append(("plannedFinish", Node(finish.description))) }
        pairs.append(("budgetAtCompletion", Node(String(fields.budgetAtCompletion))))
        pairs.append(("currency", text(fields.currency)))
        return Node(pairs)
    }

    private func flow(_ nodes: [Node]) -> Node { Node(nodes, .implicit, .flow) }

    /// Text as a scalar, double-quoted when a plain scalar would not read back as this text.
    private func text(_ value: String) -> Node {
        let plain = Node(value)
        return Resolver.default.resolveTag(of: plain) == .str ? plain : Node(value, .implicit, .doubleQuoted)
    }
}
