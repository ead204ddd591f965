/// Shenzhen's districts and their street offices (街道办; the towns of the
/// Shenshan cooperation zone stand in the same place). Codes are stable
/// identifiers used in the API, in routing and as department-code prefixes.
public struct District: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var streets: [Street]
}

public struct Street: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var districtCode: String
}

public enum Territory {
    public static let districts: [District] = table.map { code, name, streets in
        District(code: code, name: name, streets: streets.map { streetCode, streetName in
            Street(code: "\(code).\(streetCode)", name: streetName, districtCode: code)
        })
    }

    public static func district(code: String) -> District? { districtsByCode[code] }
    public static func street(code: String) -> Street? { streetsByCode[code] }

    public static let allStreets: [Street] = districts.flatMap(\.streets)
    private static let districtsByCode = Dictionary(uniqueKeysWithValues: districts.map { ($0.code, $0) })
    private static let streetsByCode = Dictionary(uniqueKeysWithValues: allStreets.map { ($0.code, $0) })

    /// (district code, name, [(street code, street name)]); 74 street offices in the ten
    /// districts, and the four towns of 深汕特别合作区.
    private static let table: [(String, String, [(String, String)])] = [
        ("futian", "福田区", [("yuanling", "园岭街道"), ("nanyuan", "南园街道"), ("futian", "福田街道"), ("shatou", "沙头街道"),
                            ("meilin", "梅林街道"), ("huafu", "华富街道"), ("xiangmihu", "香蜜湖街道"), ("lianhua", "莲花街道"),
                            ("huaqiangbei", "华强北街道"), ("fubao", "福保街道")]),
        ("luohu", "罗湖区", [("guiyuan", "桂园街道"), ("huangbei", "黄贝街道"), ("dongmen", "东门街道"), ("cuizhu", "翠竹街道"),
                          ("dongxiao", "东晓街道"), ("nanhu", "南湖街道"), ("sungang", "笋岗街道"), ("donghu", "东湖街道"),
                          ("liantang", "莲塘街道"), ("qingshuihe", "清水河街道")]),
        ("nanshan", "南山区", [("nantou", "南头街道"), ("nanshan", "南山街道"), ("shahe", "沙河街道"), ("shekou", "蛇口街道"),
                            ("zhaoshang", "招商街道"), ("yuehai", "粤海街道"), ("taoyuan", "桃源街道"), ("xili", "西丽街道")]),
        ("yantian", "盐田区", [("meisha", "梅沙街道"), ("yantian", "盐田街道"), ("shatoujiao", "沙头角街道"), ("haishan", "海山街道")]),
        ("baoan", "宝安区", [("xinan", "新安街道"), ("xixiang", "西乡街道"), ("hangcheng", "航城街道"), ("fuyong", "福永街道"),
                          ("fuhai", "福海街道"), ("shajing", "沙井街道"), ("xinqiao", "新桥街道"), ("songgang", "松岗街道"),
                          ("yanluo", "燕罗街道"), ("shiyan", "石岩街道")]),
        ("longgang", "龙岗区", [("buji", "布吉街道"), ("jihua", "吉华街道"), ("bantian", "坂田街道"), ("nanwan", "南湾街道"),
                             ("henggang", "横岗街道"), ("longcheng", "龙城街道"), ("longgang", "龙岗街道"), ("pingdi", "坪地街道"),
                             ("pinghu", "平湖街道"), ("baolong", "宝龙街道"), ("yuanshan", "园山街道")]),
        ("longhua", "龙华区", [("guanhu", "观湖街道"), ("minzhi", "民治街道"), ("longhua", "龙华街道"), ("dalang", "大浪街道"),
                            ("fucheng", "福城街道"), ("guanlan", "观澜街道")]),
        ("pingshan", "坪山区", [("pingshan", "坪山街道"), ("maluan", "马峦街道"), ("biling", "碧岭街道"), ("shijing", "石井街道"),
                             ("kengzi", "坑梓街道"), ("longtian", "龙田街道")]),
        ("guangming", "光明区", [("guangming", "光明街道"), ("gongming", "公明街道"), ("xinhu", "新湖街道"), ("fenghuang", "凤凰街道"),
                              ("yutang", "玉塘街道"), ("matian", "马田街道")]),
        ("dapeng", "大鹏新区", [("kuichong", "葵涌街道"), ("dapeng", "大鹏街道"), ("nanao", "南澳街道")]),
        ("shenshan", "深汕特别合作区", [("ebu", "鹅埠镇"), ("xiaomo", "小漠镇"), ("houmen", "鲘门镇"), ("chishi", "赤石镇")]),
    ]
}
