"""Local wording and landmarks of appeals in 东山县 for the responsibility lookup (hooks
``qingdan_lookup_synonyms`` and ``qingdan_landmarks``): an island county's coastal vocabulary
and a few Minnan words, mapped to the wording of its list, and the places people name. Plain data.

The block "everyday words by item" was written by walking the catalog item by item (the items
no dev appeal labels first) and asking what an islander says for each: typhoons (风台, 做大水,
回港避风), fishing and sea farms (渔船, 蚵仔, 鱼塭, 休渔期, 漏油, 尾水), sand (玻璃砂, 挖海沙),
seafood stalls and markets (排档, 福尔马林, 冰鲜), tourism (快艇, 游船, 观光车), protected
animals (鲎, 海豚, 砗磲) and Minnan words (厝边, 厝地, 囝仔, 烧金). Each reading is a word of the
item's title, checked to bring that item into the first three when the phrase is asked alone.
Words core's lexicon already reads are not repeated here."""

from __future__ import annotations

from core.plugin_api.types import Landmark

SYNONYMS: dict[str, tuple[str, ...]] = {
    "海漂垃圾": ("海洋垃圾",),
    "海上垃圾": ("海洋垃圾",),
    "沙滩垃圾": ("海洋垃圾",),
    "渔排": ("海水养殖",),
    "网箱": ("海水养殖",),
    "蚝排": ("海水养殖",),
    "鲍鱼池": ("海水养殖",),
    "讨海": ("海洋",),
    "防台": ("防台风防汛",),
    "风灾": ("防台风防汛",),
    "厝": ("住宅",),  # 闽南话: house
    "起厝": ("建住宅", "宅基地"),
    "铜陵古城": ("文物保护单位",),
    "风动石": ("文物保护单位", "旅游"),
    "木麻黄": ("沿海防护林",),
    "防护林": ("沿海防护林森林防火",),
    # everyday words by item, session 7 (one entry per caller's word; items named in the comments)
    # DS-B-002/004: village committee, neighbours (Minnan 厝边 = neighbours)
    "厝边": ("邻里", "矛盾纠纷"),
    "厝边头尾": ("邻里", "矛盾纠纷"),
    # DS-B-003-03 临时救助: a fisher's family when the boat or the catch is lost
    "渔船出事": ("临时救助",),
    "船出事": ("临时救助",),
    "家里无钱": ("临时救助",),
    "艰苦人": ("社会救助",),
    # DS-B-005 突发事件 / 应急救援 at sea
    "海上出事": ("突发事件", "应急救援"),
    "海上遇险": ("应急救援",),
    "船翻了": ("应急救援",),
    "翻船": ("应急救援",),
    "落水": ("应急救援",),
    "逃生演练": ("应急演练",),
    # DS-B-006 防台风防汛 (Minnan 风台/做风台 = typhoon; 做大水 = flood)
    "风台": ("防台风防汛",),
    "做大水": ("防台风防汛",),
    "风暴潮": ("防台风防汛",),
    "天文大潮": ("防台风防汛",),
    "渔船回港": ("防台风防汛",),
    "回港避风": ("防台风防汛",),
    "避风港": ("防台风防汛",),
    "避风": ("防台风防汛",),
    "人员上岸": ("防台风防汛",),
    "渔排上的人": ("防台风防汛",),
    # DS-B-007 沿海防护林森林防火
    "海边林子": ("沿海防护林",),
    "烧山": ("森林防火",),
    # DS-B-008/009: houses (Minnan 厝地 = house plot)
    "乱起厝": ("违法建设",),
    "厝地": ("宅基地",),
    # DS-B-010 永久基本农田 (东山's sweet potato and asparagus fields)
    "番薯园": ("永久基本农田",),
    "地瓜园": ("永久基本农田",),
    "芦笋地": ("永久基本农田",),
    # DS-B-017 未成年人保护 (Minnan 囝仔 = child)
    "囝仔": ("未成年人",),
    "囡仔": ("未成年人",),
    "细汉仔": ("未成年人",),
    # DS-B-022 / DS-R-093..101 safety of the island's workplaces
    "水产加工厂": ("生产经营单位", "安全生产"),
    "冷冻厂": ("生产经营单位", "安全生产"),
    "修船厂": ("生产经营单位", "安全生产"),
    "船厂": ("生产经营单位", "安全生产"),
    "冷库漏氨": ("危险物品", "重大危险源"),
    "工人睡在仓库": ("员工宿舍",),
    # DS-C-003 / DS-R-007 排档, the seafood stalls
    "海鲜排档": ("食品经营", "餐饮"),
    "大排档": ("食品经营", "餐饮"),
    "排档": ("食品经营", "餐饮"),
    "鱼丸作坊": ("食品经营",),
    "无证排档": ("食品经营许可",),
    # DS-C-004 / DS-R-080 farm and sea produce
    "芦笋打药": ("农产品质量安全",),
    "孔雀石绿": ("农药兽药残留",),
    "海鲜药残": ("农药兽药残留",),
    # DS-C-005 海洋垃圾清理
    "岸滩垃圾": ("海洋垃圾",),
    "港湾垃圾": ("海洋垃圾",),
    "泡沫浮球": ("海洋垃圾",),
    "浮球": ("海洋垃圾",),
    "泡沫箱": ("海洋垃圾",),
    "废渔网": ("海洋垃圾",),
    # DS-C-006 海水养殖 (Minnan 蚵 = oyster)
    "养蚵": ("海水养殖",),
    "蚵仔": ("海水养殖",),
    "海蛎": ("海水养殖",),
    "养鲍鱼": ("海水养殖",),
    "紫菜": ("海水养殖",),
    "海带": ("海水养殖",),
    "虾池": ("海水养殖",),
    "虾塘": ("海水养殖",),
    "海上养殖": ("海水养殖",),
    # DS-C-009 旅游市场秩序 (tourists at the bays)
    "游客被坑": ("旅游市场秩序",),
    "快艇": ("旅游市场秩序",),
    "游船": ("旅游市场秩序",),
    "民宿乱收费": ("旅游市场秩序",),
    "海鲜价格": ("旅游市场秩序",),
    # DS-C-010 / DS-R-088/089 文物 (关帝庙, the Ming sea fort)
    "关帝庙": ("文物保护单位",),
    "古城墙": ("文物保护单位",),
    "炮台": ("文物保护单位",),
    "水寨": ("文物保护单位",),
    "古董摊": ("文物商业经营",),
    "卖古董": ("文物商业经营",),
    # DS-C-011 传染病 (dengue in the south)
    "登革热": ("传染病",),
    # DS-C-012 / DS-R-015 / DS-R-090 墓 (Minnan 椅子坟)
    "墓园": ("公益性墓地",),
    "椅子坟": ("墓穴占地面积",),
    "私建墓园": ("殡葬设施",),
    "骨灰楼": ("殡葬设施",),
    # DS-C-013 / DS-R-038 buildings on the beach
    "沙滩上盖": ("违法建设",),
    "海边搭棚": ("临时建筑物",),
    "铁皮房": ("临时建筑物",),
    # DS-C-015 交通安全
    "摩的": ("交通安全",),
    "电动三轮": ("交通安全",),
    "环岛路": ("道路交通安全",),
    # DS-R-001/037/036/030/051 sand and stone (东山's glass sand, sea sand)
    "玻璃砂": ("开采矿产资源",),
    "石英砂": ("开采矿产资源",),
    "偷挖砂": ("开采矿产资源",),
    "挖海沙": ("开采海砂", "自然岸线"),
    "抽海沙": ("开采海砂",),
    "偷海沙": ("开采海砂",),
    "挖沙滩": ("开采海砂", "自然岸线"),
    "海岸线": ("自然岸线",),
    "砂坑": ("矿区生态修复",),
    "废矿坑": ("矿区生态修复",),
    "不回填": ("土地复垦",),
    "砂场": ("扬尘",),
    "沙场": ("扬尘",),
    "运砂车": ("运输散装", "遗撒"),
    "运沙车": ("运输散装", "遗撒"),
    # DS-R-005 焚烧秸秆 (sweet-potato vines)
    "烧番薯藤": ("焚烧秸秆",),
    "烧地瓜藤": ("焚烧秸秆",),
    # DS-R-011 / 064..068 wildlife of the coast
    "打鸟": ("猎捕野生动物",),
    "粘网": ("猎捕野生动物",),
    "海豚": ("国家重点保护野生动物",),
    "吃鲎": ("食用", "保护野生动物"),
    "卖鲎": ("保护野生动物",),
    "鲎": ("保护野生动物",),
    "砗磲": ("国家重点保护野生动物",),
    "红珊瑚": ("国家重点保护野生动物",),
    # DS-R-063 珊瑚礁 and the sea bed
    "炸鱼": ("海洋生态系统",),
    "电鱼": ("海洋生态系统",),
    "毒鱼": ("海洋生态系统",),
    # DS-R-014 特种设备 at the scenic spots
    "观光车": ("特种设备",),
    "游乐设施": ("特种设备",),
    "游乐场": ("特种设备",),
    # DS-R-016/017/018 林地
    "占林地": ("改变林地用途",),
    "打石": ("采石",),
    "石场": ("采石",),
    "砍木麻黄": ("盗伐", "滥伐林木"),
    # DS-R-024..026 fire in the forest (graves, paper money)
    "野外烧火": ("野外用火",),
    # DS-R-029 买卖土地
    "倒卖地皮": ("买卖", "非法转让土地"),
    # DS-R-049 drying nets and fish on the street
    "晒渔网": ("公共场地", "堆放物料"),
    "晒鱼干": ("公共场地", "堆放物料"),
    "晒网": ("公共场地", "堆放物料"),
    # DS-R-056/059 oil and sewage into the sea
    "渔船漏油": ("排放油类",),
    "漏油": ("排放油类",),
    "机油倒海里": ("排放油类",),
    "海面有油": ("排放油类",),
    "排到海里": ("入海排污口",),
    "流进海里": ("入海排污口",),
    "排污管": ("排污口",),
    # DS-R-057/058 the reservoirs
    "水库钓鱼": ("饮用水水源保护区", "垂钓"),
    "水库边钓鱼": ("饮用水水源保护区", "垂钓"),
    "水库养鱼": ("饮用水水源保护区", "网箱养殖"),
    "水库排污": ("饮用水水源保护区", "排污口"),
    # DS-R-061 过度包装
    "海鲜礼盒": ("过度包装",),
    "礼盒": ("过度包装",),
    # DS-R-062 禁养区 and feeding
    "乱投饵料": ("投饵",),
    "饵料": ("投饵",),
    "养殖乱用药": ("药物使用",),
    "网箱太密": ("养殖密度",),
    # DS-R-078 休渔 (summer fishing ban)
    "休渔期": ("捕捞",),
    "偷捕": ("捕捞",),
    "禁捕": ("捕捞",),
    # DS-R-103/114/108/107 seafood preservation and markets
    "福尔马林": ("非食用化学物质", "防腐剂"),
    "甲醛泡": ("非食用化学物质",),
    "泡药水": ("非食用化学物质", "保鲜剂"),
    "硫磺熏": ("非食用化学物质",),
    "保鲜药": ("保鲜剂",),
    "冰鲜": ("贮存", "运输"),
    "海鲜市场": ("集中交易市场",),
    "水产市场": ("集中交易市场",),
    # DS-R-110 traffic lights hidden
    "挡住红绿灯": ("遮挡交通信号",),
    "挡红绿灯": ("遮挡交通信号",),
    # DS-R-116 drinking water of an island
    "咸水": ("饮用水",),
    "水有咸味": ("饮用水",),
    # DS-R-118 民宿 fire acceptance
    "民宿消防": ("消防验收",),
    # DS-R-069 / DS-R-071 sick and dead animals, DS-R-021 replanting
    "发瘟": ("疑似", "隔离"),
    "瘟猪": ("染疫动物",),
    "瘟鸡": ("染疫动物",),
    "不补种": ("更新造林",),
    # the shore and the sea farms (填海, 围海; Minnan 鱼塭 = coastal fish pond; 尾水 = farm effluent)
    "填海": ("自然岸线",),
    "围海": ("自然岸线",),
    "沙滩收费": ("旅游市场秩序",),
    "鱼塭": ("海水养殖",),
    "虾塭": ("海水养殖",),
    "尾水": ("入海排污口",),
    # fire on the hills: Minnan 烧金 = burning joss paper
    "烧金纸": ("野外用火", "森林防火"),
    "烧金": ("野外用火", "森林防火"),
}


#: Places islanders name instead of their town (hook ``qingdan_landmarks``): the scenic spots
#: and bays of the demo towns. Sample data.
LANDMARKS: tuple[Landmark, ...] = (
    Landmark("风动石", "350626106000", "scenic_spot"),  # 铜陵镇
    Landmark("铜陵古城", "350626106000", "scenic_spot"),
    Landmark("东门屿", "350626106000", "island"),
    Landmark("马銮湾", "350626102201", "bay"),  # 康美镇马銮村
    Landmark("金銮湾", "350626104000", "bay"),  # 陈城镇
)
