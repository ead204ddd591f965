import Foundation
import SubanCore

/// The data Suban ships, read from this module's resources (`data/`):
/// - `catalog.jsonl`: the responsibility catalog, one item a line;
/// - `appeals/training/*.jsonl`: labelled appeals the models learn from;
/// - `appeals/held-out/*.jsonl`: labelled appeals written apart from the training
///   ones (other writers, other wording, other places), which nothing trains or
///   tunes on: only `suban-tools evaluate` reads them;
/// - `hazards.json`: the urgency lexicon;
/// - `gazetteer.csv`: places citizens name, with their district and street office;
/// - `open311.json`: the attributes of the Open311 services (the catalog's items);
/// - `places/held-out.jsonl`: appeals naming a place but not its street office, labelled
///   with the street, written apart from the gazetteer: only `suban-tools evaluate places` reads them.
///
/// A city replaces any of them with its own files (`suban train --data DIR`).
public struct ShippedData: Sendable {
    public struct Malformed: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var reason: String
        public var description: String { "\(file):\(line): \(reason)" }
    }

    public let catalog: Catalog
    public let training: [LabeledAppeal]
    public let heldOut: [LabeledAppeal]
    public let lexicon: HazardLexicon
    public let gazetteer: Gazetteer
    public let placesHeldOut: [PlacedAppeal]
    /// Labelled duplicate pairs, by file name without `.txt` ("pairs": the channel gave the street
    /// or the text names it; "district-only": the channel gave only the district).
    public let duplicatePairs: [String: [DuplicatePair]]

    /// The data shipped in this module; a missing or malformed file is a build defect, checked by the tests.
    public static let shenzhen: ShippedData = shipped { try ShippedData(folder: $0) }

    /// The shipped lexicon and gazetteer alone: a dispatcher needs them, not eighteen thousand
    /// training appeals in memory.
    public static let shippedLexicon: HazardLexicon = shipped(lexicon(in:))
    public static let shippedGazetteer: Gazetteer = shipped(gazetteer(in:))
    /// `open311.json`: the attributes Open311 clients may send, and the type of a request without them.
    public static let open311: Open311.Definition = shipped { folder in
        try JSONDecoder().decode(Open311.Definition.self, from: Data(contentsOf: folder.appendingPathComponent("open311.json")))
    }

    static func shipped<T>(_ read: (URL) throws -> T) -> T {
        guard let folder = Bundle.module.url(forResource: "data", withExtension: nil) else { fatalError("SubanData's data folder is missing") }
        do { return try read(folder) } catch { fatalError("shipped data: \(error)") }
    }

    static func lexicon(in folder: URL) throws -> HazardLexicon {
        let file = try JSONDecoder().decode(LexiconFile.self, from: Data(contentsOf: folder.appendingPathComponent("hazards.json")))
        return HazardLexicon(hazards: file.hazards, negations: file.negations, hypotheticals: file.hypotheticals, fillers: file.fillers ?? [])
    }

    static func gazetteer(in folder: URL) throws -> Gazetteer {
        Gazetteer(entries: try gazetteerEntries(csv: String(contentsOf: folder.appendingPathComponent("gazetteer.csv"), encoding: .utf8), file: "gazetteer.csv"))
    }

    /// Reads a data folder laid out as the shipped one.
    public init(folder: URL) throws {
        catalog = try Self.catalog(at: folder.appendingPathComponent("catalog.jsonl"))
        training = try Self.appeals(in: folder.appendingPathComponent("appeals/training"))
        heldOut = try Self.appeals(in: folder.appendingPathComponent("appeals/held-out"))
        lexicon = try Self.lexicon(in: folder)
        gazetteer = try Self.gazetteer(in: folder)
        placesHeldOut = try Self.placedAppeals(at: folder.appendingPathComponent("places/held-out.jsonl"))
        var pairs: [String: [DuplicatePair]] = [:]
        let pairFolder = folder.appendingPathComponent("duplicates")
        for file in try FileManager.default.contentsOfDirectory(at: pairFolder, includingPropertiesForKeys: nil) where file.pathExtension == "txt" {
            do { pairs[file.deletingPathExtension().lastPathComponent] = try DuplicatePair.parse(String(contentsOf: file, encoding: .utf8)) } catch let error as DuplicatePair.ParseError {
                throw Malformed(file: "duplicates/\(file.lastPathComponent)", line: error.line, reason: error.message)
            }
        }
        duplicatePairs = pairs
    }

    /// An appeal naming a place, with the street office a person who knows the city would give.
    public struct PlacedAppeal: Sendable, Hashable, Decodable {
        public var text: String
        public var district: String
        public var street: String?
        public var place: String
    }

    public static func placedAppeals(at file: URL) throws -> [PlacedAppeal] {
        var appeals: [PlacedAppeal] = []
        try forEachLine(of: file) { (line: PlacedAppeal, _) in appeals.append(line) }
        return appeals
    }

    /// `name,aliases,kind,district,street,note` with a header line; aliases separated by `|`;
    /// an empty street for a place that spans several. A city's own address base loads the same way
    /// (`suban gazetteer load FILE`).
    public static func gazetteerEntries(csv: String, file: String) throws -> [Gazetteer.Entry] {
        let rows = CSVRows.parse(csv)
        guard let header = rows.first, header == ["name", "aliases", "kind", "district", "street", "note"] else {
            throw Malformed(file: file, line: 1, reason: "the header must be name,aliases,kind,district,street,note")
        }
        return try rows.dropFirst().enumerated().compactMap { offset, row in
            let line = offset + 2
            if row == [""] { return nil }
            guard row.count == 6 else { throw Malformed(file: file, line: line, reason: "expected 6 fields, found \(row.count)") }
            guard let kind = Gazetteer.Kind(rawValue: row[2]) else {
                throw Malformed(file: file, line: line, reason: "kind '\(row[2])' is not one of \(Gazetteer.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard Territory.district(code: row[3]) != nil else { throw Malformed(file: file, line: line, reason: "unknown district '\(row[3])'") }
            let street = row[4].isEmpty ? nil : row[4]
            if let street, Territory.street(code: street)?.districtCode != row[3] {
                throw Malformed(file: file, line: line, reason: "'\(street)' is not a street of \(row[3])")
            }
            guard !row[0].isEmpty else { throw Malformed(file: file, line: line, reason: "empty name") }
            return Gazetteer.Entry(name: row[0], aliases: row[1].split(separator: "|").map(String.init), kind: kind,
                                   districtCode: row[3], streetCode: street, note: row[5])
        }
    }

    /// A model trained on the shipped training appeals: what dispatch decides with
    /// until `suban train` has stored one in PostgreSQL. Built once per process.
    public static let trainedModel: AppealModel = AppealModel.train(catalog: shenzhen.catalog, examples: shenzhen.training, lexicon: shenzhen.lexicon)

    struct ItemLine: Decodable {
        var category: String
        var category_name: String
        var code: String
        var name: String
        var lead: String
        var co_handlers: [String]
        var keywords: [String]
        var urgent_by_nature: Bool?
    }

    struct AppealLine: Decodable {
        var item: String
        var text: String
        var urgent: Bool
        var type: String?
        var district: String?
        var voice: String?
    }

    struct LexiconFile: Decodable {
        var hazards: [String]
        var negations: [String]
        var hypotheticals: [String]
        var fillers: [String]?
    }

    public static func catalog(at file: URL) throws -> Catalog {
        var categories: [CatalogCategory] = []
        var items: [CatalogItem] = []
        try forEachLine(of: file) { (line: ItemLine, number) in
            guard let lead = UnitRef(line.lead) else { throw Malformed(file: file.lastPathComponent, line: number, reason: "bad lead unit '\(line.lead)'") }
            let coHandlers = try line.co_handlers.map { text in
                guard let unit = UnitRef(text) else { throw Malformed(file: file.lastPathComponent, line: number, reason: "bad co-handler '\(text)'") }
                return unit
            }
            guard line.code.hasPrefix(line.category + ".") else {
                throw Malformed(file: file.lastPathComponent, line: number, reason: "item '\(line.code)' is not under its category '\(line.category)'")
            }
            if !categories.contains(where: { $0.code == line.category }) { categories.append(CatalogCategory(code: line.category, name: line.category_name)) }
            items.append(CatalogItem(code: line.code, categoryCode: line.category, name: line.name, lead: lead, coHandlers: coHandlers,
                                     keywords: line.keywords, urgentByNature: line.urgent_by_nature ?? false))
        }
        return Catalog(categories: categories, items: items)
    }

    /// Every `*.jsonl` of `folder`, in file-name order.
    public static func appeals(in folder: URL) throws -> [LabeledAppeal] {
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "jsonl" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var appeals: [LabeledAppeal] = []
        for file in files {
            try forEachLine(of: file) { (line: AppealLine, number) in
                var type: AppealType?
                if let text = line.type {
                    guard let known = AppealType(rawValue: text) else { throw Malformed(file: file.lastPathComponent, line: number, reason: "unknown type '\(text)'") }
                    type = known
                }
                appeals.append(LabeledAppeal(text: line.text, itemCode: line.item, urgent: line.urgent, type: type, districtCode: line.district, voice: line.voice))
            }
        }
        return appeals
    }

    static func forEachLine<Line: Decodable>(of file: URL, _ body: (Line, Int) throws -> Void) throws {
        let decoder = JSONDecoder()
        let text = try String(contentsOf: file, encoding: .utf8)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let decoded: Line
            do { decoded = try decoder.decode(Line.self, from: Data(line.utf8)) } catch {
                throw Malformed(file: file.lastPathComponent, line: index + 1, reason: "\(error)")
            }
            try body(decoded, index + 1)
        }
    }
}
