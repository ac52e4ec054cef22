import AsyncHTTPClient
import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotSignatures
import GroupbotStore
import GroupbotWire
import NIOCore

/// How one attempt of a delivery ended, as its channel judges the response.
package enum DeliveryVerdict: Sendable, Equatable {
    case delivered
    /// Worth trying again (network error, 5xx, 429, 408), after at least `retryAfterSeconds` if given.
    case retry(reason: String, retryAfterSeconds: Int64?)
    /// Trying again cannot help (any other 4xx, a refusal in the response): straight to the dead letters.
    case reject(reason: String)
}

/// One outbound channel: turns actions into deliveries, and a delivery into an HTTP request.
package protocol DeliveryChannel: Sendable {
    /// The `target` name its deliveries carry in the ledger.
    var target: String { get }
    /// The deliveries that carry out `actions`.
    func deliveries(for actions: [Action], at now: Instant) -> [Delivery]
    /// The request for one attempt of `delivery`.
    func request(for delivery: Delivery, now: Date) throws -> HTTPClientRequest
    /// Judges the response to an attempt of `delivery` (`retryAfter`: the response's `Retry-After` header).
    func verdict(for delivery: Delivery, status: Int, retryAfter: String?, body: [UInt8], now: Date) -> DeliveryVerdict
    /// The action that replaces `delivery` when it was refused for good, if the channel has
    /// one (a DM the platform refused: ``DMFallback``); it is audited and sent like any other.
    func replacement(for delivery: Delivery, reason: String, at now: Instant) -> Action?
    /// Whether this channel carries `action` (a platform carries its own groups' actions;
    /// a callback carries every action).
    func carries(_ action: Action) -> Bool
    /// The pacing limits of this channel's lane, from the configured ones (a platform with
    /// published limits of its own sets its rates).
    func pacing(_ configured: PacingLimits) -> PacingLimits
}

/// What a platform's API call needs to become a delivery (a OneBot or a Bot API call).
package struct PlatformCall {
    var endpoint: String
    var body: [UInt8]
    var actionID: String
    /// The group a message posts into, when it does (its pacing bucket).
    var postsIn: String?
}

extension DeliveryChannel {
    /// Deliveries for a platform's calls carrying out `actions`. An action that needs several
    /// calls (a notice to several admins, a ban and an unban) numbers them, so each has its
    /// own stable id `<idPrefix><action id>:<n>`. The priority is the action's; the group
    /// bucket is the one the call posts into (a notice to the admin group is paced there).
    func platformDeliveries(_ calls: [PlatformCall], of actions: [Action], idPrefix: String, at now: Instant,
                            utcOffsetSeconds: Int) -> [Delivery] {
        let byID = Dictionary(actions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: [String: Int] = [:]
        return calls.map { call in
            let index = seen[call.actionID, default: 0]
            seen[call.actionID] = index + 1
            let action = byID[call.actionID]
            var pacing = action.map(PacingClass.init(action:)) ?? PacingClass(priority: .message, group: "", postsInGroup: false)
            pacing.postsInGroup = call.postsIn != nil
            if let group = call.postsIn { pacing.group = group }
            return Delivery(id: idPrefix + call.actionID + ":\(index)", target: target, endpoint: call.endpoint, body: call.body,
                            created: now, pacing: pacing, utcOffsetSeconds: action?.utcOffsetSeconds ?? utcOffsetSeconds)
        }
    }

    /// The id of the action a delivery of ``platformDeliveries(_:of:idPrefix:at:utcOffsetSeconds:)``
    /// carries out (`<idPrefix><action id>:<n>`).
    static func actionID(ofDelivery id: String, idPrefix: String) -> String {
        guard id.hasPrefix(idPrefix), let colon = id.lastIndex(of: ":") else { return id }
        return String(id[id.index(id.startIndex, offsetBy: idPrefix.count)..<colon])
    }

    package func replacement(for delivery: Delivery, reason: String, at now: Instant) -> Action? { nil }
    package func carries(_ action: Action) -> Bool { true }
    package func pacing(_ configured: PacingLimits) -> PacingLimits { configured }
}

extension DeliveryChannel {
    /// The usual HTTP reading: 2xx delivered, 408/429/5xx retried, other statuses rejected.
    package func statusVerdict(status: Int, retryAfter: String?, now: Date) -> DeliveryVerdict {
        switch status {
        case 200..<300: .delivered
        case 408, 425, 429, 500...599:
            .retry(reason: "HTTP \(status)", retryAfterSeconds: RetryPolicy.retryAfterSeconds(retryAfter, now: now))
        default: .reject(reason: "HTTP \(status)")
        }
    }
}

/// Posts actions to the configured callback URL, one action per request, signed with
/// Standard Webhooks (the action's id is the `webhook-id`, so a receiver drops repeats).
package struct CallbackChannel: DeliveryChannel {
    package let target = "callback"
    /// The callback URL.
    package let url: String
    private let signer: WebhookSigner?

    /// Creates the channel; without a secret the requests go unsigned.
    package init(url: String, secret: String?) {
        self.url = url
        signer = secret.map(WebhookSigner.init(secret:))
    }

    package func deliveries(for actions: [Action], at now: Instant) -> [Delivery] {
        actions.map { action in
            Delivery(id: action.id, target: target, endpoint: url,
                     body: Array("{\"actions\":[\(ActionEncoder.line(for: action))]}".utf8), created: now,
                     pacing: PacingClass(action: action), utcOffsetSeconds: action.utcOffsetSeconds)
        }
    }

    package func request(for delivery: Delivery, now: Date) throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: delivery.endpoint)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "groupbot")
        if let signer {
            for header in signer.headers(id: delivery.id, timestamp: Int64(now.timeIntervalSince1970), body: delivery.body) {
                request.headers.add(name: header.name, value: header.value)
            }
        }
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        return request
    }

    package func verdict(for delivery: Delivery, status: Int, retryAfter: String?, body: [UInt8], now: Date) -> DeliveryVerdict {
        statusVerdict(status: status, retryAfter: retryAfter, now: now)
    }
}
