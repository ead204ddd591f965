import Foundation
import Postgres
import SubanCore
import SubanStore

/// Appeal bodies for the integration tests, in several districts and duties.
public enum AppealSamples {
    /// A web complaint under `ref`, as channels send them.
    public static func appeal(_ ref: String, text: String = "工地夜间施工噪音太大", district: String = "futian") -> Appeal {
        Appeal(channel: .web, channelRef: ref, type: .complaint, urgent: false, text: text,
               location: Location(districtCode: district, address: "福田街道"), contact: Contact(phone: "13800138000", anonymous: false),
               attachments: [])
    }

    public static let texts: [(text: String, district: String?, address: String)] = [
        ("工地夜间施工打桩，吵得整栋楼睡不着", "longhua", "民治街道民康路"),
        ("每天晚上广场舞音响太大声", nil, "南山区桃源街道龙珠花园"),
        ("家里停水一天了还没来水", "baoan", "西乡街道固戍二路"),
        ("楼下餐馆油烟直排到我们家窗户", "futian", "华强北街道振兴路"),
        ("公司拖欠工资三个月不发", "guangming", "公明街道"),
        ("出租车司机拒载还绕路", nil, "深圳北站"),
        ("电梯困人了，老人被困在里面", "luohu", "东门街道"),
        ("请问这个问题应该找谁", nil, "深圳"),
    ]

    public static func body(channelRef: String, index: Int, channel: String = "app") -> [String: Any] {
        let sample = texts[index % texts.count]
        // A block of its own, so no two samples are one incident to duplicate detection.
        var location: [String: Any] = ["address": sample.address + "\(index + 1)号楼"]
        if let district = sample.district { location["district"] = district }
        return [
            "channel": channel, "channel_ref": channelRef, "type": "complaint", "text": sample.text, "location": location,
            "contact": ["phone": "13800138\(String(format: "%03d", index % 1000))", "anonymous": index % 4 == 0],
        ]
    }

    /// A key of the `app` channel, made in the database at `databaseURL`: intake files appeals only with one.
    public static func appKey(databaseURL: String) async throws -> String {
        let postgres = PostgresClient(url: databaseURL, maxConnections: 1, threadPool: TestServers.threadPool)
        defer { Task { await postgres.close() } }
        return try await postgres.withConnection { try APIKeys.create(channel: .app, label: "app-\(UUID().uuidString)", on: $0).token }
    }

    public static func json(_ object: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: object)
    }
}
