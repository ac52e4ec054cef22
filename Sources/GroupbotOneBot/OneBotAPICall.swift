/// One OneBot v11 API call to make: POST `body` to `/<endpoint>` of the
/// implementation's HTTP API.
package struct OneBotAPICall: Sendable, Equatable {
    /// The API name: `send_group_msg`, `send_private_msg`, `delete_msg`,
    /// `set_group_ban`, `set_group_anonymous_ban`, `set_group_kick` or `set_group_add_request`.
    package var endpoint: String
    /// The parameters as one JSON object, keys in a fixed order; ids that are
    /// plain integers are JSON numbers.
    package var body: [UInt8]
    /// The id of the groupbot action this call carries out (several calls may
    /// share one, e.g. a `notify` sent to several admins).
    package var actionID: String
    /// The group a `send_group_msg` posts into (the admin group for a notice): where the
    /// group's pacing bucket applies; nil for other calls.
    package var postsIn: String?

    /// Creates a call.
    package init(endpoint: String, body: [UInt8], actionID: String, postsIn: String? = nil) {
        self.endpoint = endpoint
        self.body = body
        self.actionID = actionID
        self.postsIn = postsIn
    }
}

/// How to answer one report: what goes into the HTTP response (the quick
/// operation) and which API calls to make besides.
package struct OneBotResponse: Sendable, Equatable {
    /// The JSON object to send as the report's HTTP response body, or nil when
    /// there is nothing to do in it (answer with HTTP 204).
    package var quickOperation: [UInt8]?
    /// The actions the quick operation cannot express, in the order of the actions.
    package var calls: [OneBotAPICall]

    /// Creates a response.
    package init(quickOperation: [UInt8]?, calls: [OneBotAPICall]) {
        self.quickOperation = quickOperation
        self.calls = calls
    }
}
