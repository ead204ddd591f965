import Foundation
import SubanData
import Testing
@testable import SubanCore

/// Places compared through the gazetteer: an alias is the same place, a neighbouring
/// village or another block of one estate is not.
@Suite struct DuplicatePlacesTests {
    let resolver = PlaceResolver(gazetteer: ShippedData.shenzhen.gazetteer)
    let detector = DuplicateDetector()

    func report(_ text: String, district: String = "nanshan", hours: Double = 0) -> DuplicateDetector.Report {
        let placed = resolver.resolve(Location(districtCode: district), text: text)
        return DuplicateDetector.Report(id: UUID(), categoryCode: "urban-management", itemCode: "urban-management.street-lighting",
                                        candidates: [.init(itemCode: "urban-management.street-lighting", probability: 1)],
                                        streetCode: placed.place.streetCode, urgent: false, receivedAt: Date(timeIntervalSince1970: hours * 3600),
                                        address: nil, text: text, districtCode: placed.place.districtCode, alsoNamed: placed.namedPlaces)
    }

    @Test func anAliasAndTheNameAreOnePlace() {
        let verdict = detector.compare(report("上白石那边的路灯坏了好几天", hours: 2), with: report("白石洲村里面路灯一直不亮"))
        guard case .duplicate = verdict else { Issue.record("\(verdict)"); return }
    }

    @Test func twoVillagesOfTheGazetteerAreTwoPlaces() {
        let verdict = detector.compare(report("上水径村路灯坏了", district: "longgang", hours: 1), with: report("下水径村路灯坏了", district: "longgang"))
        guard case .distinct(let reason) = verdict else { Issue.record("linked"); return }
        #expect(reason.contains("different places"))
    }

    @Test func blocksOfOnePhaseAreTwoPlaces() {
        let mentions = PlaceMentions("锦绣江南四期17栋电梯停运")
        #expect(mentions.numbers == ["4期", "17栋"])
        #expect(PlaceMentions("12月3号开始停水").numbers.isEmpty, "a date is not a door")
        let verdict = detector.compare(report("锦绣江南四期17栋路灯坏了", district: "longhua", hours: 1), with: report("锦绣江南四期3栋路灯坏了", district: "longhua"))
        guard case .distinct = verdict else { Issue.record("linked"); return }
    }

    @Test func aPlaceWithNoKnownStreetIsComparedWithinItsDistrict() {
        // 车公庙站 lies between streets: the district and the gazetteer's name scope it.
        let first = report("车公庙站D口路灯坏了", district: "futian"), second = report("车公庙地铁站出口那边路灯不亮", district: "futian", hours: 3)
        #expect(first.streetCode == nil && first.scopes == ["district:futian"])
        guard case .duplicate = detector.compare(second, with: first) else { Issue.record("not linked"); return }
    }

    /// Within a district, one report names the site and the other only its short form, which no
    /// suffix marks ("百仕达"): one place. A road both name is not enough across a district.
    @Test func aShortFormOfASiteMatchesWithinTheDistrictButARoadAloneDoesNot() {
        let site = report("百仕达花园二期整个小区路灯全坏了", district: "luohu"), short = report("百仕达那边路灯不亮", district: "luohu", hours: 2)
        #expect(short.streetCode == nil && short.scopes == ["district:luohu"])
        guard case .duplicate = detector.compare(short, with: site) else { Issue.record("not linked"); return }
        let road = report("东昌路百仕达花园门口路灯坏了", district: "luohu"), roadOnly = report("东昌路的路灯不亮", district: "luohu", hours: 2)
        guard case .distinct(let reason) = detector.compare(roadOnly, with: road) else { Issue.record("linked on a road"); return }
        #expect(reason.contains("no site shared") || reason.contains("place not confirmed"), "\(reason)")
    }

    /// A triaged report may join an open ticket, but no later report joins it before a human places it.
    @Test func aTriagedReportMayJoinButNeverLeads() {
        var unsure = report("上白石那边路灯坏了", hours: 1)
        unsure.canBeParent = false
        let later = report("白石洲村里路灯不亮", hours: 2)
        #expect(detector.link([unsure, later], recent: []).isEmpty)
        let open = report("白石洲村路灯坏了")
        #expect(detector.link([unsure], recent: [open])[unsure.id]?.parentID == open.id)
    }
}

@Suite struct PlaceSidesTests {
    @Test func gatesSquaresAndExitsAreNumbersOfAPlace() {
        #expect(PlaceMentions("中大深圳校区东门公交候车亭坏了").numbers == ["东门"])
        #expect(PlaceMentions("车公庙站d出口那边").numbers == ["D口"])
        #expect(PlaceMentions("车公庙站D口").mentions.first { $0.kind == .number }?.unit == "口")
        let east = PlaceMentions("深圳北站东广场出租车上客区"), west = PlaceMentions("深圳北站西广场停车场")
        #expect(DuplicateDetector.comparePlaces(east, west).conflict != nil)
        #expect(PlaceMentions("路口红绿灯坏了").numbers.isEmpty, "路口 is no exit")
    }
}
