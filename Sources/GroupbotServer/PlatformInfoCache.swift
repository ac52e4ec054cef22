import AsyncHTTPClient
import Foundation
import GroupbotCore
import GroupbotOneBot
import Logging
import NIOCore

/// Enriches OneBot reports before the engine sees them: a join notice carries no nickname
/// and no group name, and no report carries the member count, so without this `{nick}` is
/// the QQ number, `{group_name}` the group id, `groups.yaml`'s name patterns never match
/// and `{count}` counts from zero.
///
/// Looks things up through the implementation's API (`get_group_info`,
/// `get_group_member_info`, `get_group_member_list`) and keeps the answers for
/// `info_ttl_seconds`; a join or a leave asks for the group again (its count changed),
/// a join or a rename for the member. The first report of a group this process sees also
/// imports the group's member list, as `member` events run before it. Bounded: past
/// `capacity` entries the oldest answers are forgotten. A call that fails or times out
/// leaves the event as reported (logged); it never holds an event up for longer than
/// `timeout` per call.
package actor PlatformInfoCache {
    private let apiURL: String
    private let accessToken: String?
    private let client: HTTPClient
    private let ttlMilliseconds: Int64
    private let timeout: TimeAmount
    private let capacity: Int
    private let logger: Logger
    private let now: @Sendable () -> Instant

    private struct Entry<Value> {
        var value: Value
        var fetched: Instant
    }

    private struct MemberKey: Hashable {
        var group: String
        var user: String
    }

    private var groups: [String: Entry<OneBotGroupInfo>] = [:]
    private var members: [MemberKey: Entry<OneBotMemberInfo>] = [:]
    /// Groups whose member list was imported (or tried) by this process.
    private var listed: Set<String> = []

    /// Creates the cache for the implementation at `apiURL`.
    package init(apiURL: String, accessToken: String?, client: HTTPClient, ttlSeconds: Int, capacity: Int = 100_000,
                 timeout: TimeAmount = .seconds(2), logger: Logger, now: @escaping @Sendable () -> Instant) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.accessToken = accessToken
        self.client = client
        ttlMilliseconds = Int64(ttlSeconds) * 1000
        self.timeout = timeout
        self.capacity = capacity
        self.logger = logger
        self.now = now
    }

    /// The events to run for one report: the group's member list the first time the group
    /// is seen, then the report's event with its missing fields filled in.
    package func enrich(_ event: Event) async -> [Event] {
        guard !event.group.isEmpty, event.type != .tick else { return [event] }
        let membershipChanged = event.type == .join || event.type == .leave
        let group = await groupInfo(event.group, fresh: membershipChanged)
        var member: OneBotMemberInfo?
        if event.type == .join || event.type == .rename || (event.nick == nil && event.type != .leave) {
            member = await memberInfo(group: event.group, user: event.user, fresh: event.type != .message)
        }
        var events: [Event] = []
        if listed.insert(event.group).inserted, let list = await call("get_group_member_list", PlatformInfo.request(group: event.group),
                                                                       read: PlatformInfo.memberList) {
            // The newcomer of a join is in the list already: their membership comes from the join.
            let others = event.type == .join ? list.filter { $0.user != event.user } : list
            events += PlatformInfo.memberEvents(others, group: event.group, groupName: event.groupName ?? group?.name, at: event.time,
                                                utcOffsetSeconds: event.utcOffsetSeconds)
            let fetched = now()
            for info in list { remember(info, group: event.group, at: fetched) }
        }
        events.append(PlatformInfo.enrich(event, group: group, member: member))
        return events
    }

    private func groupInfo(_ group: String, fresh: Bool) async -> OneBotGroupInfo? {
        if !fresh, let entry = groups[group], now().milliseconds - entry.fetched.milliseconds < ttlMilliseconds { return entry.value }
        guard let info = await call("get_group_info", PlatformInfo.request(group: group, noCache: fresh), read: PlatformInfo.groupInfo)
        else { return groups[group]?.value }
        if groups.count >= capacity { groups = Self.trimmed(groups) }
        groups[group] = Entry(value: info, fetched: now())
        return info
    }

    private func memberInfo(group: String, user: String, fresh: Bool) async -> OneBotMemberInfo? {
        let key = MemberKey(group: group, user: user)
        if !fresh, let entry = members[key], now().milliseconds - entry.fetched.milliseconds < ttlMilliseconds { return entry.value }
        guard let info = await call("get_group_member_info", PlatformInfo.request(group: group, user: user, noCache: fresh),
                                    read: PlatformInfo.memberInfo)
        else { return members[key]?.value }
        remember(info, group: group, at: now())
        return info
    }

    private func remember(_ info: OneBotMemberInfo, group: String, at instant: Instant) {
        if members.count >= capacity { members = Self.trimmed(members) }
        members[MemberKey(group: group, user: info.user)] = Entry(value: info, fetched: instant)
    }

    /// The newer half of `entries`: a full cache forgets its oldest answers in one go.
    private static func trimmed<Key, Value>(_ entries: [Key: Entry<Value>]) -> [Key: Entry<Value>] {
        let cut = entries.values.map(\.fetched.milliseconds).sorted()[entries.count / 2]
        return entries.filter { $0.value.fetched.milliseconds >= cut }
    }

    /// Calls `action` and reads its answer; nil (logged) when the call fails.
    private func call<Value>(_ action: String, _ body: [UInt8], read: ([UInt8]) -> Value?) async -> Value? {
        var request = HTTPClientRequest(url: apiURL + "/" + action)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        if let accessToken { request.headers.add(name: "authorization", value: "Bearer \(accessToken)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: timeout)
            let bytes = Array(buffer: try await response.body.collect(upTo: 16 << 20))
            guard response.status == .ok, let value = read(bytes) else {
                logger.warning("\(action): HTTP \(response.status.code), no usable answer; the report goes on as it came")
                return nil
            }
            return value
        } catch {
            logger.warning("\(action): \(error); the report goes on as it came")
            return nil
        }
    }
}
