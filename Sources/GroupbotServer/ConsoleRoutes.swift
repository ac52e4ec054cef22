import Foundation
import GroupbotConsole
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import Hummingbird
import HTTPTypes
import NIOCore

/// `/console`: the operators' web pages, served by `serve` from the same engine and state.
/// Every page needs a signed-in session (an HttpOnly, SameSite=Strict cookie); every form
/// carries the session's CSRF token; acting (pardon, retry, comparing folders) needs the
/// admin role.
enum ConsoleRoutes {
    static let cookieName = "groupbot_console"

    static func add(to router: Router<BasicRequestContext>, _ dependencies: ServerDependencies) {
        guard let side = dependencies.console else { return }
        router.get("/console") { request, _ in try await page(request, side) { viewer in try await overview(viewer, side, dependencies) } }
        router.get("/console/login") { request, _ in
            if let closed = side.closedReason { throw HTTPError(.forbidden, message: closed) }
            return html(side.pages.render("login", title: "signIn", values: [:], viewer: viewerFor(request, session: nil)))
        }
        router.post("/console/login") { request, _ in try await signIn(request, side, dependencies) }
        router.post("/console/logout") { request, _ in
            try await form(request, side, dependencies, needsAdmin: false) { _, _, id in
                side.sessions.close(id)
                return redirect("/console/login", clearingCookie: true)
            }
        }
        router.get("/console/group") { request, _ in
            try await page(request, side) { viewer in try await groupPage(request, viewer, side, dependencies) }
        }
        router.get("/console/audit") { request, _ in
            try await page(request, side) { viewer in try auditPage(request, viewer, side) }
        }
        router.post("/console/pardon") { request, _ in
            try await form(request, side, dependencies, needsAdmin: true) { fields, viewer, _ in
                try await pardon(fields, viewer, side, dependencies)
            }
        }
        router.post("/console/spam") { request, _ in
            try await form(request, side, dependencies, needsAdmin: true) { fields, viewer, _ in
                try await markSpam(fields, viewer, side, dependencies)
            }
        }
        router.get("/console/try") { request, _ in
            try await page(request, side) { viewer in tryPage(viewer, side, values: ["form": ["kind": "text"]]) }
        }
        for trial in ["explain", "report", "diff"] {
            router.post(RouterPath("/console/try/" + trial)) { request, _ in
                try await form(request, side, dependencies, needsAdmin: trial == "diff") { fields, viewer, _ in
                    try await runTrial(trial, fields, viewer, side, dependencies)
                }
            }
        }
        router.get("/console/shadow") { request, _ in
            try await page(request, side) { viewer in try shadowPage(viewer, side) }
        }
        router.get("/console/deliveries") { request, _ in
            try await page(request, side) { viewer in try deliveriesPage(viewer, side, flash: nil) }
        }
        router.post("/console/deliveries/retry") { request, _ in
            try await form(request, side, dependencies, needsAdmin: true) { fields, viewer, _ in
                let ids = fields["id"].map { [$0] }
                let revived = try side.ledger.revive(ids: ids, at: WallClock().now)
                return html(try deliveriesPage(viewer, side, flash: "\(viewer.language.words["retried"] ?? ""): \(revived)"))
            }
        }
    }

    // MARK: - Access

    /// The session named by the request's cookie.
    static func session(of request: Request, _ side: ConsoleSide) -> (id: String?, session: ConsoleSessions.Session?) {
        let id = cookie(cookieName, in: request.headers[.cookie])
        return (id, side.sessions.session(id))
    }

    static func viewerFor(_ request: Request, session: ConsoleSessions.Session?) -> ConsolePages.Viewer {
        ConsolePages.Viewer(language: ConsoleLanguage.preferred(by: request.headers[.acceptLanguage]),
                            holder: session?.holder, csrf: session?.csrf ?? "")
    }

    /// A page for a signed-in operator; others are sent to sign in.
    static func page(_ request: Request, _ side: ConsoleSide,
                     _ body: (ConsolePages.Viewer) async throws -> String) async throws -> Response {
        if let closed = side.closedReason { throw HTTPError(.forbidden, message: closed) }
        guard let session = session(of: request, side).session else { return redirect("/console/login") }
        return html(try await body(viewerFor(request, session: session)))
    }

    /// A form post: signed in, with the session's CSRF token, and the admin role when asked.
    static func form(_ request: Request, _ side: ConsoleSide, _ dependencies: ServerDependencies, needsAdmin: Bool,
                     _ body: ([String: String], ConsolePages.Viewer, String?) async throws -> Response) async throws -> Response {
        if let closed = side.closedReason { throw HTTPError(.forbidden, message: closed) }
        let (id, found) = session(of: request, side)
        guard let session = found else { throw HTTPError(.unauthorized, message: "sign in first: /console/login") }
        let fields = formFields(String(decoding: try await dependencies.bodies.read(request), as: UTF8.self))
        guard ConsoleSessions.acceptsForm(session, token: fields["csrf"]) else {
            throw HTTPError(.forbidden, message: "the form's CSRF token is missing or not this session's")
        }
        let viewer = viewerFor(request, session: session)
        if needsAdmin, !session.holder.isAdmin { throw HTTPError(.forbidden, message: viewer.language.words["adminOnly"] ?? "admins only") }
        return try await body(fields, viewer, id)
    }

    static func signIn(_ request: Request, _ side: ConsoleSide, _ dependencies: ServerDependencies) async throws -> Response {
        if let closed = side.closedReason { throw HTTPError(.forbidden, message: closed) }
        let fields = formFields(String(decoding: try await dependencies.bodies.read(request), as: UTF8.self))
        let token = fields["token"] ?? ""
        // Without tokens the console listens on loopback alone: whoever reaches it is the local admin.
        let holder = side.tokens.isEmpty ? ConsoleOperator(name: "local", role: .admin) : side.tokens.holder(of: token)
        guard let holder else {
            let viewer = viewerFor(request, session: nil)
            var response = html(side.pages.render("login", title: "signIn", values: [:], viewer: viewer,
                                                  error: viewer.language.words["badToken"]))
            response.status = .unauthorized
            return response
        }
        let id = side.sessions.open(for: holder)
        var response = redirect("/console")
        response.headers[.setCookie] = "\(cookieName)=\(id); Path=/console; HttpOnly; SameSite=Strict; Max-Age=43200"
        return response
    }

    // MARK: - Pages

    static func overview(_ viewer: ConsolePages.Viewer, _ side: ConsoleSide, _ dependencies: ServerDependencies) async throws -> String {
        let status = await dependencies.host.rulesStatus(startVersion: side.startVersion, startedAt: side.startedAt)
        var values: [String: Any] = [
            "rulesVersion": status.version, "rulesLoadedAt": ConsoleFigures.clock(status.loadedAt), "ruleCount": status.rules,
            "typeCount": status.types, "hasState": side.reader != nil,
        ]
        if let error = status.lastError { values["reloadError"] = error }
        if let reader = side.reader, let latest = try reader.latestDay() {
            values.merge(try ConsoleFigures.load(reader, latest: latest).overviewValues(words: viewer.language.words)) { $1 }
        } else if side.reader != nil {
            values["latestDay"] = "—"
        }
        return side.pages.render("overview", title: "overview", values: values, viewer: viewer)
    }

    static func groupPage(_ request: Request, _ viewer: ConsolePages.Viewer, _ side: ConsoleSide,
                          _ dependencies: ServerDependencies) async throws -> String {
        let query = formFields(request.uri.query ?? "")
        guard let group = query["id"], !group.isEmpty else { throw HTTPError(.badRequest, message: "which group? /console/group?id=<group id>") }
        let inspection = await dependencies.host.inspect(group: group)
        var values: [String: Any] = [
            "group": group, "type": inspection.type, "mappingReason": inspection.mappingReason,
            "strikes": inspection.strikes.map { ["user": $0.user, "ladder": $0.ladder, "count": $0.count, "group": group] as [String: Any] },
            "pending": inspection.pending.map { flow -> [String: Any] in
                ["user": flow.user, "flow": viewer.language.words[flow.flow] ?? flow.flow, "steps": flow.steps]
            },
        ]
        if let reader = side.reader {
            let figures = try reader.dailyFigures(group: group).suffix(30).reversed()
            values["hasFigures"] = !figures.isEmpty
            values["figures"] = figures.map { day -> [String: Any] in
                ["day": day.day, "members": day.members.map(String.init) ?? "", "joins": day.joins, "leaves": day.leaves,
                 "active": day.active, "messages": day.messages, "enforcement": day.deleted + day.muted + day.kicks]
            }
            values["actions"] = ConsoleAudit.rows(try reader.auditLog(group: group).suffix(50).reversed(), viewer: viewer)
        }
        return side.pages.render("group", title: group, values: values, viewer: viewer)
    }

    static func auditPage(_ request: Request, _ viewer: ConsolePages.Viewer, _ side: ConsoleSide,
                          flash: String? = nil) throws -> String {
        guard let reader = side.reader else {
            return side.pages.render("audit", title: "audit", values: ["total": 0, "page": 1, "pages": 1], viewer: viewer,
                                     error: viewer.language.words["noState"])
        }
        let fields = formFields(request.uri.query ?? "")
        let query = ConsoleAudit.Query(fields)
        let result = try ConsoleAudit.search(reader, query)
        let flash = flash ?? fields["flash"].flatMap { ["pardoned", "marked", "notMarked"].contains($0) ? viewer.language.words[$0] : nil }
        var values: [String: Any] = [
            "query": query.values, "total": result.total, "page": min(query.page, result.pages), "pages": result.pages,
            "actions": ConsoleAudit.rows(result.entries, viewer: viewer),
        ]
        if let previous = result.previous { values["previous"] = previous }
        if let next = result.next { values["next"] = next }
        return side.pages.render("audit", title: "audit", values: values, viewer: viewer, flash: flash)
    }

    static func tryPage(_ viewer: ConsolePages.Viewer, _ side: ConsoleSide, values: [String: Any]) -> String {
        side.pages.render("try", title: "try", values: values, viewer: viewer)
    }

    static func shadowPage(_ viewer: ConsolePages.Viewer, _ side: ConsoleSide) throws -> String {
        guard let reader = side.reader else {
            return side.pages.render("shadow", title: "shadow", values: [:], viewer: viewer, error: viewer.language.words["noState"])
        }
        return side.pages.render("shadow", title: "shadow", values: ["rules": ConsoleAudit.shadowRules(try reader.auditLog())],
                                 viewer: viewer)
    }

    static func deliveriesPage(_ viewer: ConsolePages.Viewer, _ side: ConsoleSide, flash: String?) throws -> String {
        let counts = try side.ledger.counts()
        let dead = try side.ledger.deadLetters().map { delivery -> [String: Any] in
            ["id": delivery.id, "target": delivery.target, "attempts": delivery.attempts, "error": delivery.lastError ?? ""]
        }
        return side.pages.render("deliveries", title: "deliveries", values: [
            "pending": counts.pending, "deadCount": counts.dead, "dead": dead, "hasDead": !dead.isEmpty,
        ], viewer: viewer, flash: flash)
    }

    // MARK: - Acting

    /// A pardon from the console: the type's pardon command, given by the operator, runs
    /// through the engine like one typed in the group (rule `admin-pardon`, audited with the
    /// operator's name); its unmute and notice go out as deliveries.
    static func pardon(_ fields: [String: String], _ viewer: ConsolePages.Viewer, _ side: ConsoleSide,
                       _ dependencies: ServerDependencies) async throws -> Response {
        guard let group = fields["group"], !group.isEmpty, let user = fields["user"], !user.isEmpty else {
            throw HTTPError(.badRequest, message: "a pardon needs the group and the member")
        }
        _ = await giveCommand(\.pardon, in: group, naming: user, as: viewer, dependencies)
        return redirect("/console/audit?user=\(percentEncoded(user))&group=\(percentEncoded(group))&flash=pardoned")
    }

    /// "This is spam" from the console: the type's spam command, given by the operator as a
    /// reply to the message that caused an action, through the engine like one typed in the
    /// group (rule `admin-spam`: the classifier learns the text and the message is recalled).
    /// The engine remembers each group's latest messages only while a rule reads `spam_score`.
    static func markSpam(_ fields: [String: String], _ viewer: ConsolePages.Viewer, _ side: ConsoleSide,
                         _ dependencies: ServerDependencies) async throws -> Response {
        guard let group = fields["group"], !group.isEmpty, let message = fields["message"], !message.isEmpty else {
            throw HTTPError(.badRequest, message: "marking spam needs the group and the message")
        }
        let actions = await giveCommand(\.spam, in: group, replyingTo: message, as: viewer, dependencies)
        let marked = actions.contains { $0.rule == "admin-spam" }
        return redirect("/console/audit?group=\(percentEncoded(group))&flash=\(marked ? "marked" : "notMarked")")
    }

    /// Gives the group type's first word of `command` as the operator, an admin of the group,
    /// naming a member or replying to a message, through the engine like a message typed in
    /// the group; its actions go out as deliveries. Returns them.
    static func giveCommand(_ command: KeyPath<AdminCommands, [String]>, in group: String, naming user: String? = nil,
                            replyingTo message: String? = nil, as viewer: ConsolePages.Viewer,
                            _ dependencies: ServerDependencies) async -> [Action] {
        let words = await dependencies.host.adminCommands(ofGroup: group)
        let word = words[keyPath: command].first ?? AdminCommands.standard[keyPath: command].first ?? ""
        let now = WallClock().now
        let holder = viewer.holder?.name ?? "console"
        let event = Event(type: .message, id: "console-\(word)-\(now.milliseconds)-\(user ?? message ?? "")", time: now,
                          utcOffsetSeconds: 28_800, group: group, user: "console:" + holder, nick: holder + "（console）",
                          role: .admin, text: word, mentions: user.map { [$0] } ?? [], replyTo: message)
        let handled = await dependencies.run([event], transport: "console")
        dependencies.outbound.enqueue(handled.actions)
        await dependencies.host.handedOff(handled.handOff)
        return handled.actions
    }

    static func runTrial(_ trial: String, _ fields: [String: String], _ viewer: ConsolePages.Viewer, _ side: ConsoleSide,
                         _ dependencies: ServerDependencies) async throws -> Response {
        var form: [String: String] = fields
        form.removeValue(forKey: "csrf")
        var values: [String: Any] = ["form": form]
        switch trial {
        case "explain":
            let event = Event(type: .message, id: "console-try", time: WallClock().now, utcOffsetSeconds: 28_800,
                              group: fields["group"].flatMap { $0.isEmpty ? nil : $0 } ?? "console-try",
                              user: fields["user"].flatMap { $0.isEmpty ? nil : $0 } ?? "u-try",
                              role: MemberRole(rawValue: fields["role"] ?? "") ?? .member,
                              kind: fields["kind"].flatMap { $0.isEmpty ? nil : $0 } ?? "text", text: fields["text"] ?? "")
            values["explanation"] = ConsoleTrials.describe(await dependencies.host.explainOnCopy(event), event: event)
        case "report":
            values["report"] = ConsoleTrials.report(book: await dependencies.host.book, log: fields["log"] ?? "")
        default:
            form["diffLog"] = fields["log"]
            values["form"] = form
            values["diff"] = ConsoleTrials.diff(old: fields["old"] ?? side.rules, new: fields["new"] ?? side.rules, log: fields["log"] ?? "")
        }
        return html(tryPage(viewer, side, values: values))
    }

    // MARK: - HTTP helpers

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                        HTTPField.Name("X-Frame-Options")!: "DENY"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String, clearingCookie: Bool = false) -> Response {
        var headers: HTTPFields = [.location: location]
        if clearingCookie { headers[.setCookie] = "\(cookieName)=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0" }
        return Response(status: .seeOther, headers: headers)
    }

    /// The value of cookie `name` in a `Cookie` header.
    static func cookie(_ name: String, in header: String?) -> String? {
        for part in (header ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == name { return String(pair[1]) }
        }
        return nil
    }

    /// `application/x-www-form-urlencoded` (a body or a query string) as a dictionary.
    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? text
    }
}
