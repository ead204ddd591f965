extension ShippedCatalog {
    static let cultureTourism = """
    # culture-tourism 文化旅游体育
    @tourism|旅游投诉|city:culture-tourism||旅行社 导游 旅游团 强制购物 低价团
    报了旅行社的低价团，导游强制购物，不买就甩脸色
    旅行社临时取消行程，不退团费
    导游把我们扔在景区不管了
    旅游合同上写的五星酒店结果是招待所
    跟团游被额外收取自费项目费用
    @scenic-spots|景区管理|city:culture-tourism|street|景区 门票 景点 景区排队 景区管理
    东部华侨城景区排队太长，买了票玩不到几个项目
    景区门票价格涨得太厉害
    景区里卖东西的小贩强买强卖
    景区厕所太少
    节假日景区人太多，没有限流
    @hotel|酒店住宿|city:culture-tourism|district:market|酒店 民宿 住宿 宾馆
    酒店房间里有蟑螂，要求退款被拒
    民宿照片和实际完全不一样
    预订的酒店到了说没房
    酒店的押金一直不退
    宾馆房间有偷拍摄像头
    @sports-venue|体育场馆与全民健身|city:culture-tourism|street|体育馆 健身器材 球场 游泳池 运动场 全民健身
    社区的健身器材坏了好几个月没人修
    体育馆预约太难，一放出来就被抢光
    学校操场什么时候能对外开放
    公共游泳池的水不干净
    篮球场被改成停车场了
    @culture-venue|文化场馆与演出|city:culture-tourism||图书馆 博物馆 演出 剧院 美术馆 文化馆
    图书馆周一闭馆，上班族没时间去
    博物馆预约系统太难用
    演唱会门票被黄牛炒到几倍
    剧院演出临时取消，退票只退一半
    希望多办一些免费的文化活动
    @internet-cafe|网吧与娱乐场所|city:culture-tourism|district:police|网吧 游戏厅 电竞 剧本杀 密室逃脱
    网吧里允许未成年人进入
    剧本杀店没有消防设施
    游戏厅里有赌博机
    密室逃脱里面太黑，出了事故
    电竞酒店让未成年人入住
    @publications|出版物与文化市场|city:culture-tourism||盗版 出版物 音像 非法出版物 文化市场
    书店卖盗版书
    学校门口的小店卖不良漫画
    网上有人传播非法出版物
    音像店卖盗版光碟
    文化市场执法不到位
    @live-streaming|网络直播与文化内容|city:culture-tourism|city:internet-info|直播 网络直播 短视频 低俗 网络主播
    直播平台上有人低俗表演
    短视频平台上有人恶意剪辑
    网络主播诱导未成年人打赏
    直播间有人散布谣言
    有人在直播中虐待动物
    @sports-events|体育赛事与活动|city:culture-tourism||马拉松 赛事 体育比赛 赛事报名
    马拉松抽签不公平，连续几年没抽中
    体育赛事期间交通管制没有提前通知
    赛事报名费不退
    社区运动会组织混乱
    希望多举办一些业余体育比赛
    @heritage|文物与历史建筑|city:culture-tourism|city:planning|文物 历史建筑 古建筑 文物保护 老房子
    村里的古建筑没人管，快要倒塌了
    历史建筑被开发商拆了
    文物保护单位被改成了餐厅
    古村落的保护和开发冲突
    老街区的历史风貌被破坏
    @tour-guide-scam|旅游购物与欺诈|city:culture-tourism|district:market|旅游购物 购物店 宰客 一日游
    深圳一日游被带去购物店，买了很贵的玉器
    景区附近的饭店宰客
    海鲜街的商家缺斤短两还调包
    旅游购物店的产品是假货
    一日游的车上强制推销
    @tourist-safety|旅游安全|city:culture-tourism|city:emergency|旅游安全 景区安全 游客安全 玩水 登山
    景区的游乐设施没有安全员
    登山步道没有护栏，很多人在悬崖边拍照
    海边玩水区域没有救生员
    游客在景区被猴子抓伤
    景区的玻璃栈道有裂痕
    @library-reading|公共阅读|city:culture-tourism|street|公共阅读 阅览室 书屋 借书
    社区的阅览室一直锁着
    图书馆借书的期限太短
    希望在社区增加自助借书机
    图书馆的座位被人占了不用
    农家书屋的书太旧
    @sports-training|体育培训与健身指导|city:culture-tourism|district:market|体育培训 游泳培训 篮球培训 教练资质
    游泳培训班的教练没有资质
    篮球培训机构收了学费就关门了
    少儿体育培训太贵
    跆拳道馆的教练打学生
    体育培训没有安全保障
    @festival-events|节庆活动与公共文化|city:culture-tourism|street|节庆 文化活动 公共文化 演出活动 灯会
    希望社区多举办一些文艺演出
    春节期间的灯会太挤了
    公共文化活动的信息在哪里可以查到
    街道举办的活动太少
    节庆活动只在市中心，郊区没有
    @parks-sports-facilities|公园体育设施|city:urban-management|city:culture-tourism|球场预约 羽毛球场 足球场 跑道
    公园的羽毛球场被人长期霸占
    足球场预约后还被别人占用
    跑道上有人遛狗
    网球场的围网破了
    公园的健身步道坑洼不平
    """
}
