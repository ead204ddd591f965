import Foundation
import SubanData
import Testing
@testable import SubanCore

@Suite struct PlaceResolverTests {
    static let gazetteer = Gazetteer(entries: [
        .init(name: "白石洲村", aliases: ["白石洲", "白石州"], kind: .village, districtCode: "nanshan", streetCode: "nanshan.shahe"),
        .init(name: "车公庙站", aliases: ["车公庙地铁站"], kind: .station, districtCode: "futian", streetCode: nil, note: "on 深南大道, between streets"),
        .init(name: "深南大道", kind: .road, districtCode: "futian", streetCode: nil),
        .init(name: "星河丹堤", aliases: ["星河丹堤花园"], kind: .estate, districtCode: "futian", streetCode: "futian.meilin"),
        // One name, two places: decides nothing below what they share.
        .init(name: "新村", kind: .village, districtCode: "baoan", streetCode: "baoan.xixiang"),
        .init(name: "新村", kind: .village, districtCode: "longgang", streetCode: "longgang.buji"),
    ])
    let resolver = PlaceResolver(gazetteer: Self.gazetteer)

    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var district: String?
        var expectedDistrict: String?
        var expectedStreet: String?
        var testDescription: String { text }
    }

    @Test(arguments: [
        Case(text: "白石州那边路灯坏了", district: nil, expectedDistrict: "nanshan", expectedStreet: "nanshan.shahe"),
        Case(text: "车公庙地铁站出来井盖没了", district: nil, expectedDistrict: "futian", expectedStreet: nil),
        // An estate pins the street better than the road it is on.
        Case(text: "深南大道边上星河丹堤花园门口垃圾没人收", district: nil, expectedDistrict: "futian", expectedStreet: "futian.meilin"),
        // The channel's district rules out a place of the same name elsewhere.
        Case(text: "新村门口有人占道", district: "longgang", expectedDistrict: "longgang", expectedStreet: "longgang.buji"),
        Case(text: "新村门口有人占道", district: nil, expectedDistrict: nil, expectedStreet: nil),
        // A street office's own name beats the gazetteer.
        Case(text: "民治街道白石洲那边", district: nil, expectedDistrict: "longhua", expectedStreet: "longhua.minzhi"),
        Case(text: "不知道在哪", district: "futian", expectedDistrict: "futian", expectedStreet: nil),
    ])
    func resolvesNamedPlaces(_ testCase: Case) {
        let resolution = resolver.resolve(Location(districtCode: testCase.district), text: testCase.text)
        #expect(resolution.place.districtCode == testCase.expectedDistrict, "\(resolution.reason)")
        #expect(resolution.place.streetCode == testCase.expectedStreet, "\(resolution.reason)")
    }

    @Test func theReasonNamesTheEntryAndTheWords() {
        let resolution = resolver.resolve(Location(), text: "白石洲这边下水道堵了")
        #expect(resolution.reason.contains("白石洲") && resolution.reason.contains("沙河街道"))
        #expect(resolution.namedPlaces == ["白石洲村"])
    }

    @Test func theChannelsStreetAndBoundariesComeFirst() throws {
        let square = [[113.90, 22.50], [114.00, 22.50], [114.00, 22.60], [113.90, 22.60], [113.90, 22.50]]
        let geoJSON = JSONValue.object(["type": .string("FeatureCollection"), "features": .array([.object([
            "type": .string("Feature"), "properties": .object(["street": .string("nanshan.yuehai")]),
            "geometry": .object(["type": .string("Polygon"), "coordinates": .array([.array(square.map { .array($0.map(JSONValue.number)) })])]),
        ])])])
        let boundaries = try StreetBoundaries(geoJSON: geoJSON)
        let resolver = PlaceResolver(gazetteer: Self.gazetteer, boundaries: boundaries)
        let inside = resolver.resolve(Location(coordinates: Coordinates(latitude: 22.55, longitude: 113.95)), text: "白石洲路灯坏了")
        #expect(inside.place.streetCode == "nanshan.yuehai")
        let outside = resolver.resolve(Location(coordinates: Coordinates(latitude: 22.70, longitude: 113.95)), text: "白石洲路灯坏了")
        #expect(outside.place.streetCode == "nanshan.shahe")
        #expect(resolver.resolve(Location(streetCode: "futian.lianhua"), text: "白石洲").place.streetCode == "futian.lianhua")
        #expect(throws: StreetBoundaries.Malformed.self) { try StreetBoundaries(geoJSON: .object(["features": .array([.object([:])])])) }
    }

    @Test func theShippedGazetteerParsesAndIsHonestAboutSharedNames() {
        let gazetteer = ShippedData.shenzhen.gazetteer
        #expect(gazetteer.entries.count >= 1000)
        #expect(Set(gazetteer.entries.map(\.districtCode)).count == 11, "every district has places")
        #expect(gazetteer.entries.allSatisfy { entry in entry.streetCode.map { Territory.street(code: $0)?.districtCode == entry.districtCode } ?? true })
    }

    @Test func gazetteerCSVErrorsNameTheLine() {
        #expect {
            _ = try ShippedData.gazetteerEntries(csv: "name,aliases,kind,district,street,note\n白石洲,,village,nanshan,futian.lianhua,\n", file: "g.csv")
        } throws: { error in
            (error as? ShippedData.Malformed).map { $0.line == 2 && $0.reason.contains("not a street of nanshan") } == true
        }
        let quoted = try? ShippedData.gazetteerEntries(csv: "name,aliases,kind,district,street,note\n\"A,B\",x|y,estate,futian,,\"a \"\"note\"\"\"\n", file: "g.csv")
        #expect(quoted?.first?.name == "A,B" && quoted?.first?.aliases == ["x", "y"] && quoted?.first?.note == "a \"note\"")
    }
}
