/// Finds the domain names of the links in a text (`https://a.example.com/x`,
/// `www.example.cn`, `shop.example.com`), lower-cased, for domain allow-lists.
/// Path segments (`/100.html`) are not domains.
enum LinkDomains {
    static func find(in text: String) -> [String] {
        var domains: [String] = []
        var current = ""
        var inPath = false
        var previous: [Unicode.Scalar] = []
        func finish() {
            defer { current = "" }
            let trimmed = String(current.drop { $0 == "." }.reversed().drop { $0 == "." }.reversed())
            let labels = trimmed.split(separator: ".", omittingEmptySubsequences: false)
            guard !inPath, labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }),
                  let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter)
            else { return }
            domains.append(trimmed)
        }
        for scalar in text.unicodeScalars {
            let isDomainCharacter = scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == ".")
            if isDomainCharacter {
                if current.isEmpty {
                    // A run right after a single '/' is a path segment; after '//' it is a host.
                    inPath = previous.last == "/" && !(previous.count >= 2 && previous[previous.count - 2] == "/")
                }
                let value = scalar.value
                current.unicodeScalars.append((65...90).contains(value) ? Unicode.Scalar(value + 32)! : scalar)
            } else {
                finish()
                if scalar == " " || !scalar.isASCII { inPath = false }
            }
            previous.append(scalar)
            if previous.count > 2 { previous.removeFirst() }
        }
        finish()
        return domains
    }
}
