import Foundation
import Postgres
import SubanCore
import SubanData
import SubanStore

extension PlaceResolver {
    /// The shipped gazetteer with the city's own (loaded by `suban gazetteer load`) first, or
    /// the city's alone when it replaces the shipped one, and the loaded street boundaries.
    public static func stored(on connection: PostgresConnection) throws -> PlaceResolver {
        var gazetteer = ShippedData.shippedGazetteer
        if let city = try PlaceDataStore.load(.gazetteer, on: connection) {
            let loaded = try ShippedData.gazetteerEntries(csv: city.content, file: "loaded gazetteer")
            gazetteer = Gazetteer(entries: city.replacesShipped ? loaded : loaded + gazetteer.entries)
        }
        var boundaries = StreetBoundaries.none
        if let stored = try PlaceDataStore.load(.boundaries, on: connection) {
            boundaries = try StreetBoundaries(geoJSON: JSONValue.parse(Array(stored.content.utf8)))
        }
        return PlaceResolver(gazetteer: gazetteer, boundaries: boundaries)
    }
}
