import Foundation

/// A unit that handles tickets: a municipal department or public-service
/// enterprise, a district-level unit, or a street office.
public struct Department: Sendable, Hashable, Codable {
    public enum Level: String, Sendable, Codable, CaseIterable {
        case city, district, street
    }

    /// `city:police`, `futian:urban-management`, `street:longhua.longhua`.
    public var code: String
    public var name: String
    public var level: Level
    public var districtCode: String?

    public init(code: String, name: String, level: Level, districtCode: String? = nil) {
        self.code = code
        self.name = name
        self.level = level
        self.districtCode = districtCode
    }
}

public enum Departments {
    /// Municipal departments, public institutions and public-service enterprises.
    public static let city: [Department] = [
        ("urban-management", "深圳市城市管理和综合执法局"), ("transport", "深圳市交通运输局"),
        ("police", "深圳市公安局"), ("traffic-police", "深圳市公安局交通警察局"), ("environment", "深圳市生态环境局"),
        ("housing", "深圳市住房和建设局"), ("market", "深圳市市场监督管理局"), ("hrss", "深圳市人力资源和社会保障局"),
        ("health", "深圳市卫生健康委员会"), ("healthcare-security", "深圳市医疗保障局"), ("education", "深圳市教育局"),
        ("civil-affairs", "深圳市民政局"), ("water", "深圳市水务局"), ("planning", "深圳市规划和自然资源局"),
        ("commerce", "深圳市商务局"), ("industry", "深圳市工业和信息化局"), ("culture-tourism", "深圳市文化广电旅游体育局"),
        ("emergency", "深圳市应急管理局"), ("gov-data", "深圳市政务服务和数据管理局"), ("finance", "深圳市地方金融管理局"),
        ("tax", "国家税务总局深圳市税务局"), ("development-reform", "深圳市发展和改革委员会"), ("sci-tech", "深圳市科技创新局"),
        ("housing-fund", "深圳市住房公积金管理中心"), ("social-insurance", "深圳市社会保险基金管理局"), ("fire", "深圳市消防救援支队"),
        ("power-grid", "深圳供电局有限公司"), ("gas", "深圳市燃气集团股份有限公司"), ("water-group", "深圳市水务（集团）有限公司"),
        ("metro", "深圳市地铁集团有限公司"), ("bus", "深圳巴士集团股份有限公司"), ("communications", "深圳市通信管理局"),
        ("airport", "深圳市机场（集团）有限公司"), ("port-office", "深圳市口岸办公室"), ("disabled", "深圳市残疾人联合会"),
        ("exit-entry", "深圳市公安局出入境管理局"), ("urban-renewal", "深圳市城市更新和土地整备局"), ("postal", "深圳市邮政管理局"),
        ("trade-union", "深圳市总工会"), ("veterans", "深圳市退役军人事务局"), ("justice", "深圳市司法局"), ("women", "深圳市妇女联合会"),
        ("customs", "深圳海关"), ("finance-bureau", "深圳市财政局"), ("internet-info", "中共深圳市委网络安全和信息化委员会办公室"),
        ("meteorology", "深圳市气象局"), ("statistics", "深圳市统计局"), ("nfra", "国家金融监督管理总局深圳监管局"),
        ("csrc", "中国证券监督管理委员会深圳监管局"), ("pboc", "中国人民银行深圳市分行"),
    ].map { Department(code: "city:\($0)", name: $1, level: .city) }

    /// The functions every district has a unit for; `{区}` is the district's name, `{}` its short name.
    static let districtFunctions: [(String, String)] = [
        ("gov", "{区}人民政府"), ("urban-management", "{区}城市管理和综合执法局"), ("housing", "{区}住房和建设局"),
        ("police", "深圳市公安局{}分局"), ("traffic-police", "深圳市公安局交通警察局{}大队"),
        ("environment", "深圳市生态环境局{}管理局"), ("market", "深圳市市场监督管理局{}监管局"),
        ("education", "{区}教育局"), ("health", "{区}卫生健康局"), ("hrss", "{区}人力资源局"),
        ("civil-affairs", "{区}民政局"), ("water", "{区}水务局"),
    ]

    public static let district: [Department] = Territory.districts.flatMap { district in
        let short = district.name.replacingSuffix(["特别合作区", "新区", "区"])
        return districtFunctions.map { function, pattern in
            Department(code: "\(district.code):\(function)",
                       name: pattern.replacingOccurrences(of: "{区}", with: district.name).replacingOccurrences(of: "{}", with: short),
                       level: .district, districtCode: district.code)
        }
    }

    public static let streetOffices: [Department] = Territory.allStreets.map { street in
        Department(code: "street:\(street.code)",
                   name: street.name.hasSuffix("镇") ? "\(street.name)人民政府" : "\(street.name)办事处",
                   level: .street, districtCode: street.districtCode)
    }

    public static let all: [Department] = city + district + streetOffices
}
