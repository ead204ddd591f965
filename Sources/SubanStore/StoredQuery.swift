import Foundation

/// A statement too large to read inside Swift, kept in `queries/<name>.sql`. Its
/// `{{name}}` placeholders are filled by the code that binds it: the column lists of its
/// record rows (`RecordSet.columns`) and shared endings (`OutboxMessage.insertMessages`).
struct StoredQuery: Sendable {
    let name: String
    let template: String

    /// Reads the shipped file; a missing one is a build defect, found by the tests that load every query.
    init(_ name: String) {
        guard let folder = Bundle.module.url(forResource: "queries", withExtension: nil),
              let text = try? String(contentsOf: folder.appendingPathComponent("\(name).sql"), encoding: .utf8) else {
            fatalError("query \(name).sql is missing from SubanStore's resources")
        }
        self.name = name
        self.template = text
    }

    /// The placeholders the template names, in order of first use.
    var placeholders: [String] {
        var found: [String] = []
        var rest = template[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = String(rest[open.upperBound..<close.lowerBound])
            if !found.contains(name) { found.append(name) }
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// The statement with every placeholder filled. A placeholder left unfilled, or a value
    /// the template does not name, is a defect in the calling code.
    func sql(_ values: [String: String] = [:]) -> String {
        precondition(Set(placeholders) == Set(values.keys),
                     "query \(name) names \(placeholders.sorted()), filled with \(values.keys.sorted())")
        var text = template
        for (key, value) in values { text = text.replacingOccurrences(of: "{{\(key)}}", with: value) }
        return text
    }
}
