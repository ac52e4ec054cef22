import Foundation
import GroupbotCore

/// The member and the text of a `send_private_msg` call, read back from its body when the
/// implementation refused it (``DMFallback`` builds the replacement).
package enum RefusedDM {
    /// The DM's member and its text as the member would have read it (CQ codes decoded).
    package static func read(_ body: [UInt8]) -> (user: String, text: String)? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              let message = object["message"] as? String else { return nil }
        let user: String
        if let number = object["user_id"] as? NSNumber { user = number.stringValue } else if let text = object["user_id"] as? String {
            user = text
        } else {
            return nil
        }
        let text = CQCode.segments(in: message).compactMap { $0.type == "text" ? $0.data["text"] : nil }.joined()
        return (user, text)
    }
}
