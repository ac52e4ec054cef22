import GroupbotCore

/// Why a request body of events was refused: the first bad event, by position.
package struct EventBatchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 0-based position of the bad event in an array body (nil for a single-object body).
    package let index: Int?
    package let reason: String

    package var description: String { index.map { "event \($0): \(reason)" } ?? reason }
}

extension EventDecoder {
    /// Decodes a request body holding one wire-format event (a JSON object) or a JSON
    /// array of them. Every event must be valid, or none is taken: the sender fixes
    /// the batch and sends it again, and nothing is half-processed.
    package static func decodeBatch(body: UnsafeBufferPointer<UInt8>) throws(EventBatchError) -> [Event] {
        var parser = JSONParser(bytes: body)
        guard let first = parser.peek() else { throw EventBatchError(index: nil, reason: "the body is empty; expected an event object or an array of events") }
        guard first == UInt8(ascii: "[") else {
            let single = Result { () throws(EventDecodingError) -> Event in try decode(line: body) }
            switch single {
            case .success(let event): return [event]
            case .failure(let error): throw EventBatchError(index: nil, reason: error.reason)
            }
        }
        let elements: [Range<Int>]
        do {
            elements = try parser.arrayElementRanges()
        } catch {
            throw EventBatchError(index: nil, reason: error.description)
        }
        var events: [Event] = []
        events.reserveCapacity(elements.count)
        for (index, range) in elements.enumerated() {
            let element = Result { () throws(EventDecodingError) -> Event in
                try decode(line: UnsafeBufferPointer(rebasing: body[range]))
            }
            switch element {
            case .success(let event): events.append(event)
            case .failure(let error): throw EventBatchError(index: index, reason: error.reason)
            }
        }
        return events
    }
}

extension JSONParser {
    /// The byte ranges of the elements of the array at the cursor, which must be the
    /// whole document (whitespace aside). Each element is checked to be valid JSON.
    mutating func arrayElementRanges() throws(JSONSyntaxError) -> [Range<Int>] {
        guard peek() == UInt8(ascii: "[") else { throw error("expected an array") }
        index += 1
        var ranges: [Range<Int>] = []
        if peek() == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                let start = index
                _ = try parseValue()
                ranges.append(start..<index)
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1
                    skipWhitespace()
                    guard index == byteCount else { throw error("unexpected data after the array") }
                    return ranges
                default: throw error("expected ',' or ']' in an array")
                }
            }
        }
        skipWhitespace()
        guard index == byteCount else { throw error("unexpected data after the array") }
        return ranges
    }
}
