import Foundation
import GroupbotConsole
import GroupbotRules
@testable import GroupbotServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The operators' console: who may sign in, sessions and CSRF, the language, the pages.
/// (`Tests/console/console_browser.py` drives the same pages in a real browser.)
@Suite struct ConsoleTests {
    static let tokens = "chen:admin:0123456789abcdef0123,li:viewer:fedcba9876543210fedc"

    @Test func tokensNameTheirOperatorsAndRefuseWhatIsNotOne() throws {
        let tokens = try ConsoleTokens(Self.tokens)
        #expect(tokens.holder(of: "0123456789abcdef0123") == ConsoleOperator(name: "chen", role: .admin))
        #expect(tokens.holder(of: "fedcba9876543210fedc")?.role == .viewer)
        #expect(tokens.holder(of: "0123456789abcdef012") == nil)
        #expect(tokens.holder(of: "") == nil)
        #expect(throws: ConsoleConfigurationError.self) { try ConsoleTokens("chen:root:0123456789abcdef0123") }
        do {
            _ = try ConsoleTokens("chen:admin:short")
        } catch {
            #expect(error.description == "GROUPBOT_CONSOLE_TOKENS entry 1 (chen): the token is shorter than 16 characters")
        }
    }

    @Test func sessionsExpireAndFormsNeedTheirOwnToken() {
        let clock = Clock()
        let sessions = ConsoleSessions(now: { clock.seconds })
        let id = sessions.open(for: ConsoleOperator(name: "chen", role: .admin))
        let session = try! #require(sessions.session(id))
        #expect(ConsoleSessions.acceptsForm(session, token: session.csrf))
        #expect(!ConsoleSessions.acceptsForm(session, token: nil))
        #expect(!ConsoleSessions.acceptsForm(session, token: String(session.csrf.reversed())))
        #expect(sessions.session("not-a-session") == nil)
        clock.seconds += 12 * 3600
        #expect(sessions.session(id) == nil)
    }

    final class Clock: @unchecked Sendable {
        var seconds: Int64 = 1_000
    }

    @Test func theBrowsersLanguagePicksChineseOrEnglish() {
        #expect(ConsoleLanguage.preferred(by: "zh-CN,zh;q=0.9,en;q=0.8") == .zh)
        #expect(ConsoleLanguage.preferred(by: "en-US,en;q=0.9,zh;q=0.1") == .en)
        #expect(ConsoleLanguage.preferred(by: "fr-FR,zh-TW;q=0.5") == .zh)
        #expect(ConsoleLanguage.preferred(by: nil) == .en)
        #expect(Set(ConsoleLanguage.zh.words.keys) == Set(ConsoleLanguage.en.words.keys))
    }

    @Test func chartsAndDaysAreDrawnAndCountedOnTheServer() {
        let svg = SVGChart.line([0, 5, 10], firstLabel: "2026-11-01", lastLabel: "2026-11-03", title: "<b>消息</b>")
        #expect(svg.hasPrefix("<svg") && svg.contains("points=\"4,74 160,44 316,14\""))
        #expect(svg.contains("&lt;b&gt;消息&lt;/b&gt;") && !svg.contains("<b>"))
        #expect(ConsoleFigures.day("2026-03-01", minus: 1) == "2026-02-28")
        #expect(ConsoleFigures.day("2024-03-01", minus: 1) == "2024-02-29")
        #expect(ConsoleFigures.day("2027-01-01", minus: 1) == "2026-12-31")
        #expect(ConsoleFigures.day("2026-12-07", minus: 29) == "2026-11-08")
    }

    // MARK: - Over HTTP

    static func app(tokens: String = tokens, host: String = "127.0.0.1") async throws -> some ApplicationProtocol {
        let dependencies = try await ServerFixture.dependencies { configuration in
            configuration.secrets.consoleTokens = tokens.isEmpty ? nil : tokens
            configuration.host = host
        }
        return ServerFixture.application(dependencies)
    }

    static func form(_ fields: [String: String], cookie: String? = nil) -> (HTTPFields, ByteBuffer) {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = "groupbot_console=\(cookie)" }
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        return (headers, ByteBuffer(string: body))
    }

    /// Signs in; returns the session cookie.
    static func signIn(_ client: some TestClientProtocol, token: String) async throws -> String? {
        let (headers, body) = form(["token": token])
        return try await client.execute(uri: "/console/login", method: .post, headers: headers, body: body) { response in
            guard response.status == .seeOther, let cookie = response.headers[.setCookie] else { return nil }
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/console"))
            return cookie.split(separator: ";").first.map { String($0.dropFirst("groupbot_console=".count)) }
        }
    }

    static func csrf(in page: ByteBuffer) -> String? {
        let text = String(buffer: page)
        guard let range = text.range(of: #"name="csrf" value=""#) else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test func noPageWithoutSignInAndAWrongTokenIsRefused() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/console", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/console/login")
            }
            #expect(try await Self.signIn(client, token: "not-the-token-at-all") == nil)
            let (headers, body) = Self.form(["token": "wrong-token-wrong-token"])
            try await client.execute(uri: "/console/login", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("That token is not valid."))
            }
        }
    }

    @Test func anAdminSeesTheOverviewInTheirLanguageAndTriesAMessage() async throws {
        try await Self.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, token: "0123456789abcdef0123"))
            let page = try await client.execute(uri: "/console", method: .get,
                                                headers: [.cookie: "groupbot_console=\(cookie)", .acceptLanguage: "zh-CN,zh;q=0.9"]) {
                #expect($0.status == .ok)
                #expect($0.headers[.contentType] == "text/html; charset=utf-8")
                return $0.body
            }
            let html = String(buffer: page)
            #expect(html.contains("总览") && html.contains("当前登录 chen (admin)"))
            #expect(html.contains("没有状态文件"))  // in memory: no figures
            let csrf = try #require(Self.csrf(in: page))
            // A form without the session's token is refused; with it, explain answers.
            let (noToken, body) = Self.form(["text": "价格多少"], cookie: cookie)
            try await client.execute(uri: "/console/try/explain", method: .post, headers: noToken, body: body) { response in
                #expect(response.status == .forbidden)
            }
            let (headers, tried) = Self.form(["csrf": csrf, "text": "价格多少 <script>", "group": "g1"], cookie: cookie)
            try await client.execute(uri: "/console/try/explain", method: .post, headers: headers, body: tried) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("✔ price: all conditions hold"))
                #expect(text.contains("&lt;script&gt;") && !text.contains("价格多少 <script>"))
            }
        }
    }

    @Test func aViewerMayLookButNotAct() async throws {
        try await Self.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, token: "fedcba9876543210fedc"))
            let page = try await client.execute(uri: "/console/try", method: .get, headers: [.cookie: "groupbot_console=\(cookie)"]) {
                #expect($0.status == .ok)
                return $0.body
            }
            #expect(!String(buffer: page).contains("/console/try/diff"))
            let csrf = try #require(Self.csrf(in: page))
            let (headers, body) = Self.form(["csrf": csrf, "group": "g1", "user": "u1"], cookie: cookie)
            try await client.execute(uri: "/console/pardon", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func withoutTokensOnlyALoopbackServerOpensTheConsole() async throws {
        try await Self.app(tokens: "", host: "0.0.0.0").test(.router) { client in
            try await client.execute(uri: "/console/login", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("GROUPBOT_CONSOLE_TOKENS"))
            }
        }
        try await Self.app(tokens: "").test(.router) { client in
            let cookie = try await Self.signIn(client, token: "")
            #expect(cookie != nil)
        }
    }

    /// "This is spam" on an audit row: the engine takes it as the admin's spam command, as a
    /// reply to the message (rule `admin-spam`), when it still remembers the message.
    @Test func anAdminMarksAMessageAsSpamThroughTheEngine() async throws {
        let book = try RuleBookLoader.load(files: [("rules/general.yaml", ServerFixture.rules + """

              - id: classifier
                on: message
                when: { spam_score: 0.9 }
                actions: [delete]
            """)])
        var configuration = ServerConfiguration()
        configuration.state = "memory"
        configuration.reload = false
        configuration.secrets.consoleTokens = Self.tokens
        let dependencies = try await ServerAssembly.makeDependencies(configuration: configuration, book: book,
                                                                     logger: ServerFixture.logger)
        try await ServerFixture.application(dependencies).test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: ServerFixture.message("m-ad", "低价出售各种会员账号，要的私聊"))) { response in
                #expect(response.status == .ok)
            }
            let cookie = try #require(try await Self.signIn(client, token: "0123456789abcdef0123"))
            let page = try await client.execute(uri: "/console/try", method: .get, headers: [.cookie: "groupbot_console=\(cookie)"]) { $0.body }
            let csrf = try #require(Self.csrf(in: page))
            for (message, flash) in [("m-ad", "marked"), ("m-unknown", "notMarked")] {
                let (headers, body) = Self.form(["csrf": csrf, "group": "7770001", "message": message], cookie: cookie)
                try await client.execute(uri: "/console/spam", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/console/audit?group=7770001&flash=\(flash)")
                }
            }
            let viewer = try #require(try await Self.signIn(client, token: "fedcba9876543210fedc"))
            let viewerPage = try await client.execute(uri: "/console/try", method: .get, headers: [.cookie: "groupbot_console=\(viewer)"]) { $0.body }
            let (headers, body) = Self.form(["csrf": try #require(Self.csrf(in: viewerPage)), "group": "7770001", "message": "m-ad"],
                                            cookie: viewer)
            try await client.execute(uri: "/console/spam", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .forbidden)
            }
        }
    }
}
