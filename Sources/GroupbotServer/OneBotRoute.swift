import GroupbotCore
import GroupbotOneBot
import GroupbotSignatures
import Hummingbird

extension ServerRoutes {
    /// `POST /onebot/v11`: a OneBot v11 HTTP POST report. What the quick operation can
    /// carry goes back in the response (204 when nothing); the rest becomes API calls.
    static func oneBot(_ request: Request, context: BasicRequestContext, _ dependencies: ServerDependencies) async throws -> Response {
        let body = try await verifiedBody(
            of: request, dependencies,
            precheck: { headers throws(VerificationFailure) in try dependencies.verification.precheckOneBot(headers: headers) },
            verify: { headers, body throws(VerificationFailure) in try dependencies.verification.verifyOneBot(headers: headers, body: body) })
        let options = dependencies.configuration.oneBot.dialectOptions
        let decoded: OneBotDecoded
        do {
            decoded = try OneBotDecoder.decode(body, options: options)
        } catch {
            throw HTTPError(.badRequest, message: error.reason)
        }
        guard case .event(let reported) = decoded else {
            if case .ignored(let reason) = decoded { context.logger.debug("OneBot report ignored: \(reason)") }
            return Response(status: .noContent)
        }
        let events = await dependencies.platformInfo?.enrich(reported) ?? [reported]
        let event = events.last ?? reported
        let handled = await dependencies.run(events, transport: "onebot")
        if let reason = handled.unavailable { throw HTTPError(.serviceUnavailable, message: reason) }
        let response = OneBotEncoder.respond(to: event, actions: handled.actions, options: options)
        if !response.calls.isEmpty {
            if let channel = dependencies.outbound.oneBotAPI {
                dependencies.outbound.enqueue(deliveries: channel.deliveries(for: response.calls, of: handled.actions, at: event.time))
            } else {
                context.logger.warning("\(response.calls.count) OneBot API call(s) dropped: onebot.api_url is not configured")
            }
        }
        // The API calls are in the ledger; the quick operation's actions are out once it is written.
        let handOff = ResponseHandOff(host: dependencies.host, outbound: dependencies.outbound,
                                      actions: response.quickOperation == nil ? [] : handled.actions, handOff: handled.handOff)
        guard let quick = response.quickOperation else {
            return Response(status: .noContent, body: handOff.body([]))
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: handOff.body(quick))
    }
}
