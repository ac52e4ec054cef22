/// One Bot API call to make: POST `body` (JSON) to `<api_url>/bot<token>/<method>`.
package struct TelegramCall: Sendable, Equatable {
    /// The method: `sendMessage`, `deleteMessage`, `restrictChatMember`…
    package var method: String
    /// The parameters as one JSON object, keys sorted.
    package var body: [UInt8]
    /// The id of the groupbot action this call carries out.
    package var actionID: String
    /// The chat a `sendMessage` posts into when it is a group (its pacing bucket); nil otherwise.
    package var postsIn: String?

    package init(method: String, body: [UInt8], actionID: String, postsIn: String? = nil) {
        self.method = method
        self.body = body
        self.actionID = actionID
        self.postsIn = postsIn
    }
}
