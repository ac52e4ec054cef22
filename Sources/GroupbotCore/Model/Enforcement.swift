/// How a rule enforces: ad slots, an escalation ladder, evasion-resistant
/// matching, and the notice admins get when it deletes, mutes or removes.
package struct Enforcement: Sendable, Equatable {
    /// The rule detects ads: inside one of the type's ad slots, an ad within the
    /// slot's quota and conditions passes and the rule does nothing.
    package var honoursAdSlots: Bool
    /// The ladder whose next step the rule applies, after its own actions.
    package var ladder: String?
    /// Keywords and regexes of the rule look at the normalised text.
    package var normalize: Bool
    /// Whether a delete, mute or kick also tells the admins (unless the rule has its own notify).
    package var notifyAdmins: Bool
    /// Why the rule acts, for admins and templates (`{reason}`).
    package var reason: String?
    /// Shadow mode: the rule is evaluated, but instead of acting it tells the admins what it would have done.
    package var shadow: Bool
    /// Domains whose links are welcome: a message whose links all point to them (or their
    /// subdomains) does not set the rule off.
    package var allowedDomains: [String] = []

    /// Creates enforcement settings; the defaults add nothing but the admin notice.
    package init(honoursAdSlots: Bool = false, ladder: String? = nil, normalize: Bool = false,
                notifyAdmins: Bool = true, reason: String? = nil, shadow: Bool = false) {
        self.shadow = shadow
        self.honoursAdSlots = honoursAdSlots
        self.ladder = ladder
        self.normalize = normalize
        self.notifyAdmins = notifyAdmins
        self.reason = reason
    }
}
