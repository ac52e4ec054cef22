import AsyncHTTPClient
import Foundation
import GroupbotTelegram
import Logging
import NIOCore

/// Direct calls of the Bot API that are not deliveries: lookups (administrators, member
/// counts), `getUpdates`, `setWebhook`. A failure is logged and answered with nil.
package struct TelegramBotAPI: Sendable {
    private let apiURL: String
    private let token: String
    private let client: HTTPClient
    private let logger: Logger

    package init(apiURL: String, token: String, client: HTTPClient, logger: Logger) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.token = token
        self.client = client
        self.logger = logger
    }

    /// Calls `method` with `parameters`; the answer when it is `ok`, else nil (logged).
    package func call(_ method: String, _ parameters: [String: Any], timeout: TimeAmount = .seconds(5)) async -> TelegramAPIResponse? {
        var request = HTTPClientRequest(url: apiURL + "/bot" + token + "/" + method)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: TelegramEncoder.json(parameters)))
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = Array(buffer: try await response.body.collect(upTo: 32 << 20))
            guard let answer = TelegramAPIResponse(body), answer.ok else {
                logger.warning("telegram \(method): HTTP \(response.status.code) \(TelegramAPIResponse(body)?.description ?? "")")
                return nil
            }
            return answer
        } catch {
            logger.warning("telegram \(method): \(error)")
            return nil
        }
    }
}

/// What Telegram updates leave out, looked up and kept: the chat's administrators (roles;
/// `getChatAdministrators`, kept `ttl`) and its member count (`getChatMemberCount`, asked
/// again on every join and leave).
package actor TelegramInfoCache {
    private let api: TelegramBotAPI
    private let ttlMilliseconds: Int64
    private let now: @Sendable () -> Instant
    private var administrators: [String: (roles: [String: TelegramAPIResponse.MemberRoleName], fetched: Instant)] = [:]
    private var counts: [String: Int] = [:]

    package init(api: TelegramBotAPI, ttlSeconds: Int = 300, now: @escaping @Sendable () -> Instant) {
        self.api = api
        ttlMilliseconds = Int64(ttlSeconds) * 1000
        self.now = now
    }

    /// `event` with its sender's role and the group's member count filled in.
    package func enrich(_ event: Event) async -> Event {
        guard event.group.hasPrefix("-") else { return event }
        var event = event
        if event.role == .member, event.type != .leave {
            switch await roles(of: event.group)[event.user] {
            case .owner?: event.role = .owner
            case .admin?: event.role = .admin
            case nil: break
            }
        }
        if event.type == .join || event.type == .leave || counts[event.group] == nil,
           let count = await api.call("getChatMemberCount", ["chat_id": Int64(event.group) ?? 0])?.count {
            counts[event.group] = count
        }
        if event.memberCount == nil { event.memberCount = counts[event.group] }
        return event
    }

    private func roles(of group: String) async -> [String: TelegramAPIResponse.MemberRoleName] {
        if let entry = administrators[group], now().milliseconds - entry.fetched.milliseconds < ttlMilliseconds { return entry.roles }
        guard let answer = await api.call("getChatAdministrators", ["chat_id": Int64(group) ?? 0]) else {
            return administrators[group]?.roles ?? [:]
        }
        administrators[group] = (answer.administrators, now())
        return answer.administrators
    }
}

import GroupbotCore
