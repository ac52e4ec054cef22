import GroupbotWire

/// A report body, parsed strictly once (``JSONParser``), whose fields are read into
/// Decodable values (`ReportFields.swift`) as the mapping needs them.
struct Report {
    let body: [UInt8]
    let root: JSONValue

    /// The fields `Fields` describes; a missing or ill-typed one throws with a reason naming it.
    func fields<Fields: Decodable>(_ type: Fields.Type) throws(OneBotDecodingError) -> Fields {
        try ReportPath.decode(type, from: body, root: root)
    }
}

extension Optional {
    /// The value of a field the mapping needs.
    func required(_ field: String) throws(OneBotDecodingError) -> Wrapped {
        guard let self else { throw .missing(field) }
        return self
    }
}

extension String {
    /// The string of a field that must not be empty (flags, which later calls need).
    func nonEmpty(_ field: String) throws(OneBotDecodingError) -> String {
        guard !isEmpty else { throw OneBotDecodingError(reason: "field '\(field)' is empty") }
        return self
    }
}
