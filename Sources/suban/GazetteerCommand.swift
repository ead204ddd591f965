import ArgumentParser
import SubanCommand
import Foundation
import SubanCore
import SubanData
import SubanStore
import SubanWorkers

/// `suban gazetteer`: a city's own address base and street-office boundaries, checked and
/// stored in PostgreSQL; dispatchers use them within a minute.
struct GazetteerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gazetteer", abstract: "Load a city's address base (places → street offices) and street-office boundaries.",
        subcommands: [Load.self, Boundaries.self, Show.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load places from a CSV (name,aliases,kind,district,street,note); they are added before the shipped ones.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Use the loaded places instead of the shipped ones, not besides them.") var replace = false

        func run() async throws {
            let content = try String(contentsOfFile: file, encoding: .utf8)
            // Refused whole with the line at fault, before anything is stored.
            let entries = try ShippedData.gazetteerEntries(csv: content, file: (file as NSString).lastPathComponent)
            let replace = replace
            try await options.withDatabase(role: "gazetteer") {
                try PlaceDataStore.save(.gazetteer, content: content, entries: entries.count, replacesShipped: replace, on: $0)
            }
            let streets = entries.filter { $0.streetCode != nil }.count
            print("loaded \(entries.count) places (\(streets) with a street office), \(replace ? "instead of" : "besides") the \(ShippedData.shenzhen.gazetteer.entries.count) shipped")
        }
    }

    struct Boundaries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load street-office boundaries (GeoJSON FeatureCollection, a street code in each feature's `street` property).")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The GeoJSON file.") var file: String

        func run() async throws {
            let content = try String(contentsOfFile: file, encoding: .utf8)
            let boundaries = try StreetBoundaries(geoJSON: JSONValue.parse(Array(content.utf8)))
            try await options.withDatabase(role: "gazetteer") {
                try PlaceDataStore.save(.boundaries, content: content, entries: boundaries.areas.count, on: $0)
            }
            print("loaded boundaries of \(Set(boundaries.areas.map(\.streetCode)).count) street offices: appeals with coordinates inside them are placed there")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What dispatch resolves places with: places by district, and boundaries.")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let resolver = try await options.withDatabase(role: "gazetteer") { try PlaceResolver.stored(on: $0) }
            let byDistrict = Dictionary(grouping: resolver.gazetteer.entries, by: \.districtCode)
            print("\(resolver.gazetteer.entries.count) places, \(resolver.boundaries.areas.count) boundary areas")
            for district in Territory.districts {
                let entries = byDistrict[district.code] ?? []
                print("  \(district.name)  \(entries.count) places, \(entries.filter { $0.streetCode != nil }.count) with a street office")
            }
        }
    }
}
