/// Realistic appeals for the demo and the benchmark: varied citizen phrasing,
/// with and without a district, some urgent, a few the catalog cannot place.
enum SampleAppeals {
    struct Sample {
        var type: String
        var text: String
        var district: String?
        var address: String?
        var urgent = false
    }

    static let all: [Sample] = [
        Sample(type: "complaint", text: "小区旁边的工地每天晚上十一点以后还在夜间施工，打桩声音特别大，老人小孩都睡不着，希望管一管。", district: "longhua", address: "民治街道民康路附近工地"),
        Sample(type: "complaint", text: "每天晚上广场舞音响太大声，一直跳到十点多，孩子没法写作业。", district: nil, address: "南山区桃源街道龙珠花园旁小广场"),
        Sample(type: "help", text: "家里从昨天下午开始停水，到现在还没有来水，也没有看到停水通知，请帮忙问一下什么时候恢复。", district: "baoan", address: "西乡街道固戍二路"),
        Sample(type: "complaint", text: "楼下烧烤店油烟直接往楼上排，窗户都不敢开，厨房排气管道就对着我们家。", district: "futian", address: "福田区华强北街道振兴路"),
        Sample(type: "report", text: "有人在河道边偷排污水，河水发黑发臭，晚上尤其明显。", district: "longgang", address: "横岗街道梧桐山河边"),
        Sample(type: "complaint", text: "公司已经拖欠了我们三个月工资，老板一直说下个月发，现在人都找不到了。", district: "guangming", address: "公明街道某电子厂"),
        Sample(type: "consultation", text: "请问孩子明年读小一，积分入学需要准备哪些材料，学位申请什么时候开始？", district: "nanshan", address: nil),
        Sample(type: "complaint", text: "小区门口人行道上全是摆摊的小贩，占道经营，推婴儿车都过不去。", district: "luohu", address: "东门街道东门中路"),
        Sample(type: "help", text: "电梯困人了！我们家老人被困在电梯里已经十几分钟，物业电话打不通，请赶紧派人。", district: "futian", address: "梅林街道梅林一村", urgent: true),
        Sample(type: "report", text: "闻到楼道里很浓的燃气味，怀疑燃气泄漏，邻居家里没人。", district: "pingshan", address: "坑梓街道人民西路", urgent: true),
        Sample(type: "complaint", text: "在这家健身房办了年卡，现在门店突然关门跑路了，要求退款。", district: "longhua", address: "龙华街道人民路"),
        Sample(type: "suggestion", text: "建议在地铁站出口增加共享单车停放点，现在单车乱停把出口都堵了。", district: "nanshan", address: "粤海街道深大地铁站"),
        Sample(type: "complaint", text: "楼上邻居半夜经常跑跳，装修噪音也很大，沟通过几次都没用。", district: "yantian", address: "海山街道"),
        Sample(type: "complaint", text: "路灯坏了一个多月了，晚上这段路黑漆漆的，很不安全。", district: "dapeng", address: "葵涌街道葵新北路"),
        Sample(type: "report", text: "这家餐馆后厨很脏，还用过期的食材，吃完拉肚子。", district: "baoan", address: "新安街道宝城创业路"),
        Sample(type: "consultation", text: "想问一下公积金提取需要什么条件，租房可以提取吗？", district: nil, address: nil),
        Sample(type: "complaint", text: "物业公司不作为，小区垃圾堆了好几天没人清运，物业费却照收。", district: "longgang", address: "布吉街道大芬村"),
        Sample(type: "help", text: "暴雨后小区地下车库水浸，积水已经到膝盖，车都泡在水里了。", district: "luohu", address: "莲塘街道", urgent: true),
        Sample(type: "complaint", text: "网约车司机故意绕路，平时三十块的路程收了八十多。", district: nil, address: "宝安国际机场"),
        Sample(type: "report", text: "有人冒充客服打电话让我转账，说是退款，我怀疑是电信诈骗。", district: "futian", address: nil),
        Sample(type: "complaint", text: "门口总有车辆违停，占用消防通道，早上车都开不出去。", district: "nanshan", address: "蛇口街道海上世界"),
        Sample(type: "suggestion", text: "建议公交线路调整一下，早高峰班次太少，等二十分钟都上不了车。", district: "longhua", address: "观澜街道"),
        Sample(type: "consultation", text: "社保断缴了两个月，请问怎么补缴，会不会影响孩子入学？", district: nil, address: nil),
        Sample(type: "help", text: "老人独居，行动不便，想申请养老服务上门照护，不知道找哪里。", district: "guangming", address: "凤凰街道"),
        Sample(type: "complaint", text: "这个月家里突然停电三次，每次都没有通知，冰箱里的东西都坏了。", district: "shenshan", address: "鹅埠镇"),
        Sample(type: "consultation", text: "你好，我想咨询一下这个事情应该找哪个部门。", district: nil, address: "深圳市"),
    ]
}
