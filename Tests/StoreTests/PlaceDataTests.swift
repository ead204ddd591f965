import Foundation
import Postgres
import SubanCore
import SubanData
import SubanStore
import SubanWorkers
import SubanTestSupport
import Testing

/// A city's own address base and boundaries, stored in PostgreSQL and used by dispatch.
@Suite struct PlaceDataTests {
    @Test func aLoadedGazetteerAndBoundariesPlaceAppeals() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        defer { Task { await postgres.close() } }
        let text = "测试苑门口垃圾三天没人收"
        #expect(try await postgres.withConnection { try PlaceResolver.stored(on: $0) }.resolve(Location(), text: text).place.streetCode == nil)

        let csv = "name,aliases,kind,district,street,note\n测试苑,测试花园,estate,baoan,baoan.hangcheng,a city's own entry\n"
        try await postgres.withConnection { try PlaceDataStore.save(.gazetteer, content: csv, entries: 1, on: $0) }
        let withCity = try await postgres.withConnection { try PlaceResolver.stored(on: $0) }
        #expect(withCity.resolve(Location(), text: text).place.streetCode == "baoan.hangcheng")
        #expect(withCity.gazetteer.entries.count == ShippedData.shenzhen.gazetteer.entries.count + 1, "added before the shipped places")

        try await postgres.withConnection { try PlaceDataStore.save(.gazetteer, content: csv, entries: 1, replacesShipped: true, on: $0) }
        #expect(try await postgres.withConnection { try PlaceResolver.stored(on: $0) }.gazetteer.entries.count == 1)

        let square = "[[113.80,22.60],[113.90,22.60],[113.90,22.70],[113.80,22.70],[113.80,22.60]]"
        let geoJSON = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"street":"baoan.xixiang"},"geometry":{"type":"Polygon","coordinates":[\#(square)]}}]}"#
        try await postgres.withConnection { try PlaceDataStore.save(.boundaries, content: geoJSON, entries: 1, on: $0) }
        let versions = try await postgres.withConnection { try PlaceDataStore.versions(on: $0) }
        #expect(Set(versions.keys) == [.gazetteer, .boundaries])
        let withBoundaries = try await postgres.withConnection { try PlaceResolver.stored(on: $0) }
        let placed = withBoundaries.resolve(Location(coordinates: Coordinates(latitude: 22.65, longitude: 113.85)), text: text)
        #expect(placed.place.streetCode == "baoan.xixiang", "coordinates decide over the words")
    }
}
