@testable import GroupbotCore
import Testing

@Suite struct DecimalDigitsTests {
    @Test(arguments: [
        ("加我13812345678", 11), ("１３８１２３４５６７８", 11), ("价格٣٤٥", 3), ("一三八", 0),
        ("🧧红包8.8元", 2), ("", 0), ("𝟘𝟙", 2), ("ⅫⅢ", 0),
    ])
    func countsUnicodeDecimalDigits(text: String, expected: Int) {
        #expect(DecimalDigits.count(in: text) == expected)
        #expect(text.unicodeScalars.filter { $0.properties.numericType == .decimal }.count == expected)
    }

    /// The fast paths skip whole ranges; the count over every scalar must still be Unicode's.
    @Test func agreesWithUnicodeOnEveryScalar() {
        var text = String.UnicodeScalarView()
        for value in UInt32(0)...0x10FFFF { if let scalar = Unicode.Scalar(value) { text.append(scalar) } }
        let expected = text.filter { $0.properties.numericType == .decimal }.count
        #expect(DecimalDigits.count(in: String(text)) == expected)
        #expect(expected > 600)
    }
}
