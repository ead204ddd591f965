import Foundation

/// Labelled pairs of appeals for measuring duplicate detection
/// (`suban-tools evaluate duplicates`): two citizens' words about one incident, or
/// about two that must stay apart — the same problem at another estate, block or
/// road of the same street, another problem at the same place, the same place
/// after the window. The shipped ones are data (`duplicates/*.txt`); each line:
///
///     = 5h | first appeal || second appeal          (one incident; the second came 5 hours later)
///     ≠ 20h @longhua.minzhi | first || second       (two incidents; the channel gave street 民治)
///     = 3h @nanshan | first || second               (the channel gave only the district)
///
/// Every second pair is held out from tuning the detector's thresholds.
public struct DuplicatePair: Sendable, Hashable {
    public var sameIncident: Bool
    public var hoursApart: Double
    /// The street office the channel supplied for both, when the words alone do not say.
    public var streetCode: String?
    /// The district the channel supplied, when it gave no street.
    public var districtCode: String? = nil
    public var first: String
    public var second: String
    public var heldOut: Bool

    public struct ParseError: Error, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "duplicate pairs line \(line): \(message)" }
    }

    public static func parse(_ text: String) throws -> [DuplicatePair] {
        var pairs: [DuplicatePair] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let fail = { (message: String) in ParseError(line: offset + 1, message: message) }
            guard let bar = line.firstIndex(of: "|") else { throw fail("no '|' after the label") }
            let head = line[..<bar].split(separator: " ")
            let texts = line[line.index(after: bar)...].components(separatedBy: "||").map { $0.trimmingCharacters(in: .whitespaces) }
            guard texts.count == 2, !texts[0].isEmpty, !texts[1].isEmpty else { throw fail("want two appeals separated by '||'") }
            guard head.count >= 2, ["=", "≠"].contains(head[0]) else { throw fail("want '=' or '≠' and the hours apart") }
            guard head[1].hasSuffix("h"), let hours = Double(head[1].dropLast()), hours >= 0 else { throw fail("hours apart like '5h'") }
            var street: String?, district: String?
            if head.count > 2 {
                let code = String(head[2].dropFirst())
                guard head.count == 3, head[2].hasPrefix("@"), Territory.street(code: code) != nil || Territory.district(code: code) != nil else {
                    throw fail("unknown street or district '\(head.dropFirst(2).joined(separator: " "))'")
                }
                if Territory.street(code: code) != nil { street = code } else { district = code }
            }
            pairs.append(DuplicatePair(sameIncident: head[0] == "=", hoursApart: hours, streetCode: street, districtCode: district,
                                       first: texts[0], second: texts[1], heldOut: pairs.count % 2 == 1))
        }
        return pairs
    }
}
