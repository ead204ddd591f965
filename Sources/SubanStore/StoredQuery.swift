import Foundation
import Synchronization

/// A statement too large to read inside Swift, kept in `queries/<name>.sql`. Its
/// `{{name}}` placeholders are filled by the code that binds it: the column lists of its
/// record rows (`RecordSet.columns`) and shared endings (`OutboxMessage.insertMessages`).
final class StoredQuery: Sendable {
    let name: String
    let template: String
    /// The placeholders the template names, in order of first use.
    let placeholders: [String]
    /// The statement last filled, and with what: callers fill it the same way every time
    /// (but Open311's filters), and a write path must not pay for the text again each batch.
    private let lastFilled = Mutex<(values: [String: String], sql: String)?>(nil)

    /// Reads the shipped file; a missing one is a build defect, found by the tests that load every query.
    init(_ name: String) {
        guard let folder = Bundle.module.url(forResource: "queries", withExtension: nil),
              let text = try? String(contentsOf: folder.appendingPathComponent("\(name).sql"), encoding: .utf8) else {
            fatalError("query \(name).sql is missing from SubanStore's resources")
        }
        self.name = name
        template = text
        var found: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let placeholder = String(rest[open.upperBound..<close.lowerBound])
            if !found.contains(placeholder) { found.append(placeholder) }
            rest = rest[close.upperBound...]
        }
        placeholders = found
    }

    /// The statement with every placeholder filled. A placeholder left unfilled, or a value
    /// the template does not name, is a defect in the calling code.
    func sql(_ values: [String: String] = [:]) -> String {
        if let last = lastFilled.withLock({ $0 }), last.values == values { return last.sql }
        precondition(Set(placeholders) == Set(values.keys),
                     "query \(name) names \(placeholders.sorted()), filled with \(values.keys.sorted())")
        var text = template
        for (key, value) in values { text = text.replacingOccurrences(of: "{{\(key)}}", with: value) }
        lastFilled.withLock { $0 = (values, text) }
        return text
    }
}
