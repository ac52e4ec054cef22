import GroupbotCore
import PCRE2
import Yams

/// Parses `rules/groups.yaml`: which group type each group belongs to.
struct MappingParser {
    let reader: YAMLNodeReader

    /// The mapping, and where each type name was written (to report unknown types).
    func parse(_ root: Node) -> (GroupMapping, [(type: String, location: SourceLocation)])? {
        guard let top = reader.mapping(root, allowed: Vocabulary.mapping, what: "the group mapping")
        else { return nil }
        var references: [(String, SourceLocation)] = []
        guard let defaultNode = top["default"], let defaultType = reader.string(defaultNode, what: "default") else {
            if top["default"] == nil { reader.fail(root, "the group mapping has no default type", expected: "default: general") }
            return nil
        }
        references.append((defaultType, reader.location(of: defaultNode)))
        var entries: [GroupMapping.Entry] = []
        if let groups = top["groups"] {
            guard case .sequence(let items) = groups else {
                reader.fail(groups, "'groups' should be a list", expected: "- id: … or - name: …, each with type: …")
                return nil
            }
            for item in items {
                guard let keys = reader.mapping(item, allowed: Vocabulary.mappingEntry, what: "a group mapping entry"),
                      let typeNode = keys["type"], let type = reader.string(typeNode, what: "type")
                else {
                    if case .mapping = item { reader.fail(item, "the entry has no type", expected: "type: vip") }
                    continue
                }
                references.append((type, reader.location(of: typeNode)))
                switch (keys["id"], keys["name"]) {
                case (let idNode?, nil):
                    if let id = reader.string(idNode, what: "id") { entries.append(.id(id, type: type)) }
                case (nil, let nameNode?):
                    guard let source = reader.string(nameNode, what: "name") else { continue }
                    do {
                        entries.append(.name(try PCRE2Pattern(source), type: type))
                    } catch {
                        reader.fail(nameNode, "name pattern does not compile: \(error.message)",
                                    expected: "a PCRE2 regular expression")
                    }
                default:
                    reader.fail(item, "the entry needs exactly one of 'id' or 'name'",
                                expected: "id: g-123 (a group id) or name: \"VIP\" (a pattern on the group name)")
                }
            }
        }
        return (GroupMapping(entries: entries, defaultType: defaultType), references)
    }
}
