/// A line chart drawn on the server as SVG: no script, no CDN. One series, its values in
/// order (oldest first), the largest labelled, the first and last days under the axis.
package enum SVGChart {
    package static func line(_ values: [Int], firstLabel: String, lastLabel: String, title: String,
                             width: Int = 320, height: Int = 90) -> String {
        let top = 14, bottom = height - 16, left = 4, right = width - 4
        let largest = max(values.max() ?? 0, 1)
        var points: [String] = []
        for (index, value) in values.enumerated() {
            let x = values.count > 1 ? left + (right - left) * index / (values.count - 1) : (left + right) / 2
            let y = bottom - (bottom - top) * value / largest
            points.append("\(x),\(y)")
        }
        let escapedTitle = ConsoleHTML.escape(title)
        return """
            <svg class="chart" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(escapedTitle)">\
            <title>\(escapedTitle)</title>\
            <line x1="\(left)" y1="\(bottom)" x2="\(right)" y2="\(bottom)" class="axis"/>\
            <polyline points="\(points.joined(separator: " "))" class="series"/>\
            <text x="\(left)" y="10" class="label">\(escapedTitle) · max \(largest)</text>\
            <text x="\(left)" y="\(height - 3)" class="label">\(ConsoleHTML.escape(firstLabel))</text>\
            <text x="\(right)" y="\(height - 3)" class="label" text-anchor="end">\(ConsoleHTML.escape(lastLabel))</text>\
            </svg>
            """
    }
}

/// HTML escaping for what the console writes outside Mustache (which escapes `{{…}}` itself).
package enum ConsoleHTML {
    package static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }
}
