import GroupbotWire

/// Why a OneBot API call did not succeed.
package struct OneBotAPIFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The implementation's return code, when the response had one.
    package var retcode: Int?
    /// What went wrong: the implementation's own message when it gave one.
    package var reason: String

    /// Creates a failure.
    package init(retcode: Int?, reason: String) {
        self.retcode = retcode
        self.reason = reason
    }

    /// `retcode 100: <reason>`, or the reason alone when there is no code.
    package var description: String {
        retcode.map { "retcode \($0): \(reason)" } ?? reason
    }
}

/// Reads the `{"status", "retcode", "data"}` envelope of OneBot v11 API responses.
package enum OneBotAPIEnvelope {
    /// Checks an API response body (HTTP 200). `ok` (retcode 0) succeeds, and
    /// so does `async` (retcode 1): the call was accepted and its outcome will
    /// never be known. Anything else is a failure, with the implementation's
    /// `wording` or `msg` as the reason when it sends one.
    package static func check(_ body: [UInt8]) -> Result<Void, OneBotAPIFailure> {
        guard body.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            return .failure(OneBotAPIFailure(retcode: nil, reason: "the response body is empty"))
        }
        let parsed: Result<JSONValue, JSONSyntaxError> = body.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue in try JSONParser.parse(buffer) }
        }
        let members: [String: JSONValue]
        switch parsed {
        case .failure(let error):
            return .failure(OneBotAPIFailure(retcode: nil, reason: error.description))
        case .success(.object(let object)):
            members = object
        case .success(let other):
            return .failure(OneBotAPIFailure(retcode: nil, reason: "an API response must be a JSON object, got \(other.typeName)"))
        }
        var status: String?
        if case .string(let text)? = members["status"] { status = text }
        var retcode: Int?
        if case .number(let number)? = members["retcode"], number == number.rounded(.towardZero), abs(number) < 1e15 {
            retcode = Int(number)
        }
        if status == nil, retcode == nil {
            return .failure(OneBotAPIFailure(retcode: nil, reason: "an API response needs 'status' or 'retcode'"))
        }
        let statusOK = status == nil || status == "ok" || status == "async"
        let codeOK = retcode == nil || retcode == 0 || retcode == 1
        if statusOK, codeOK { return .success(()) }
        return .failure(OneBotAPIFailure(retcode: retcode, reason: message(in: members) ?? "status '\(status ?? "?")'"))
    }

    /// The human-readable explanation some implementations add (go-cqhttp: `wording`, `msg`).
    private static func message(in members: [String: JSONValue]) -> String? {
        for key in ["wording", "msg", "message"] {
            if case .string(let text)? = members[key], !text.isEmpty { return text }
        }
        return nil
    }
}
