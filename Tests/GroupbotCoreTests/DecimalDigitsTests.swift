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
}
