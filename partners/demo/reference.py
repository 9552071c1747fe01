"""What the demo data set takes from the source articles (shared/seeds), as plain data.

Figures: 600 partners (456 joined at the first conference, March 2023), 65 chain-leader units
on the 2024 roster, 15 industry work camps, 20 projects promoted and 9 signed at the 2024
conference (23 April 2024, 园博园), the 2024 recognition list (10 chain-leader units and 40
partners), ten featured office buildings and five featured parks. Everything else the builder
generates is marked 示例 (sample) and carries a generated, obviously synthetic code.
"""

import datetime as dt

PARTNER_TOTAL = 600
FIRST_CONFERENCE_JOINERS = 456
CHAIN_LEADERS_2024 = 65
WORK_CAMPS = 15
PROMOTED_2024 = 20
SIGNED_2024 = 9
RECOGNISED_CHAIN_LEADERS_2024 = 10
RECOGNISED_PARTNERS_2024 = 40
ROSTER_YEAR = 2024
RECOGNITION_TITLE = "贡献突出市场主体"

# (name, kind, parent, position). The “2+4+6” grouping of the featured and future industries is
# this data set's assumption: the articles name the industries but not the grouping.
INDUSTRIES = (
    ("轨道交通", "leading", None, 1),
    ("航天航空", "leading", None, 2),
    ("数字经济", "featured", None, 3),
    ("新兴金融", "featured", None, 4),
    ("高端商务", "featured", None, 5),
    ("智能制造", "featured", None, 6),
    ("商用密码", "future", None, 7),
    ("低空经济", "future", None, 8),
    ("智能医工", "future", None, 9),
    ("未来食品", "future", None, 10),
    ("数字花卉", "future", None, 11),
    ("智能建造", "future", None, 12),
    ("商业航天", "leading", "航天航空", 13),
    ("数字金融", "featured", "新兴金融", 14),
    ("人工智能", "featured", "数字经济", 15),
    ("元宇宙", "featured", "数字经济", 16),
    ("供应链/商贸物流", "featured", "高端商务", 17),
)

# One chain per top-level industry, with its ordered segments. Rail transit's segments are the
# ones the 2023 demand-release article names (设计、建设、装备、运营、控制).
CHAINS = (
    ("轨道交通产业链", "轨道交通", ("规划设计", "工程建设", "装备研制", "运营服务", "控制")),
    (
        "航天航空产业链",
        "航天航空",
        ("研发设计", "核心部件", "总装制造", "发射服务", "空天信息应用"),
    ),
    ("数字经济产业链", "数字经济", ("基础软硬件", "数据要素", "平台服务", "场景应用")),
    ("新兴金融产业链", "新兴金融", ("银行与清算", "证券与基金", "保险", "金融科技")),
    ("高端商务产业链", "高端商务", ("总部经济", "专业服务", "新型贸易", "商贸物流")),
    ("智能制造产业链", "智能制造", ("工业软件", "核心装备", "系统集成", "工业互联网")),
    ("商用密码产业链", "商用密码", ("密码算法与芯片", "密码产品", "检测认证", "密码应用")),
    ("低空经济产业链", "低空经济", ("低空制造", "低空保障", "低空飞行", "综合服务")),
    ("智能医工产业链", "智能医工", ("研发转化", "高端医疗器械", "智能诊疗", "临床应用")),
    ("未来食品产业链", "未来食品", ("新蛋白研发", "中试生产", "品牌与渠道")),
    ("数字花卉产业链", "数字花卉", ("育种研发", "数字交易", "花卉物流", "花卉消费")),
    ("智能建造产业链", "智能建造", ("数字设计", "智能装备", "装配式建造", "智慧运维")),
)

WORK_CAMP_LEADS = (
    ("轨道交通产业工作营", "轨道交通", "中关村丰台园管委会"),
    ("航天航空产业工作营", "航天航空", "中关村丰台园管委会"),
    ("商业航天产业工作营", "商业航天", "中关村丰台园管委会"),
    ("数字经济产业工作营", "数字经济", "区科学技术和信息化局"),
    ("人工智能产业工作营", "人工智能", "区科学技术和信息化局"),
    ("元宇宙产业工作营", "元宇宙", "区科学技术和信息化局"),
    ("新兴金融产业工作营", "新兴金融", "区金融服务办公室"),
    ("高端商务产业工作营", "高端商务", "区商务局"),
    ("供应链产业工作营", "供应链/商贸物流", "区商务局"),
    ("智能制造产业工作营", "智能制造", "区经济和信息化局"),
    ("商用密码产业工作营", "商用密码", "区科学技术和信息化局"),
    ("低空经济产业工作营", "低空经济", "区发展和改革委员会"),
    ("智能医工产业工作营", "智能医工", "区卫生健康委员会"),
    ("未来食品产业工作营", "未来食品", "区发展和改革委员会"),
    ("智能建造产业工作营", "智能建造", "区住房和城乡建设委员会"),
)

ZONES = ("丽泽金融商务区", "中关村丰台园", "南中轴大红门地区")
# (building, zone) — the ten featured office buildings of 2024.
FEATURED_BUILDINGS = (
    ("汉威国际广场", "中关村丰台园"),
    ("北京诺德中心", "中关村丰台园"),
    ("丰台创新中心", "中关村丰台园"),
    ("华夏幸福创新中心", "中关村丰台园"),
    ("平安幸福中心", None),
    ("首科大厦", "中关村丰台园"),
    ("丽泽平安金融中心", "丽泽金融商务区"),
    ("汇亚大厦", None),
    ("丽泽SOHO", "丽泽金融商务区"),
    ("南中轴国际文化科技园", "南中轴大红门地区"),
)
FEATURED_PARKS = (
    "鼎业未来健康产业园",
    "永乐文智园",
    "首汇健康科技园",
    "花乡青旅科创园",
    "和义科创产业园",
)

QUALIFICATION_TAGS = (
    "国家高新技术企业",
    "专精特新“小巨人”",
    "专精特新",
    "独角兽",
    "潜在独角兽",
    "瞪羚",
    "倍增计划目录企业",
    "上市公司",
)

FIRST_CONFERENCE = ("首届“倍增追赶 合作发展”丰台大会", dt.date(2023, 3, 30), "conference", "")
DEMAND_RELEASE = (
    "丰台园轨道交通产业融通发展需求发布活动",
    dt.date(2023, 2, 10),
    "demand_release",
    "中关村丰台园",
)
CONFERENCE_2024 = (
    "2024年“倍增追赶 合作发展”丰台大会",
    dt.date(2024, 4, 23),
    "conference",
    "北京园博园",
)
EVENT_DATE_NOTE = "首届大会的具体日期为示例：报道只说2023年3月。"

# Organisations named in the articles: (name, short name, organisation type, industry,
# chain-leader chain or None, recognition category or None, listed company).
NAMED_PARTNERS = (
    (
        "中国银河证券股份有限公司",
        "银河证券",
        "financial_institution",
        "新兴金融",
        "新兴金融产业链",
        "chain_leader",
        True,
    ),
    (
        "航天科工飞航技术研究院",
        "飞航技术研究院",
        "research_institute",
        "航天航空",
        "航天航空产业链",
        "chain_leader",
        False,
    ),
    (
        "农信银资金清算中心有限责任公司",
        "农信银资金清算中心",
        "financial_institution",
        "新兴金融",
        None,
        "partner",
        False,
    ),
    (
        "北京汽车集团财务有限公司",
        "北汽财务",
        "financial_institution",
        "新兴金融",
        None,
        "partner",
        False,
    ),
    ("中国中铁股份有限公司", "中国中铁", "central_soe", "轨道交通", "轨道交通产业链", None, True),
    (
        "中国铁路通信信号股份有限公司",
        "中国通号",
        "central_soe",
        "轨道交通",
        "轨道交通产业链",
        None,
        True,
    ),
    ("交控科技股份有限公司", "交控科技", "private", "轨道交通", "轨道交通产业链", None, True),
    ("北京天兵科技有限公司", "天兵科技", "private", "商业航天", None, None, False),
    (
        "瑞众人寿保险有限责任公司",
        "瑞众人寿",
        "financial_institution",
        "新兴金融",
        None,
        None,
        False,
    ),
    ("京东集团", "京东", "private", "供应链/商贸物流", None, None, True),
    ("北京榆构觉一文创科技有限公司", "榆构觉一", "private", "元宇宙", None, None, False),
    ("北京交运安训科技有限公司", "交运安训", "private", "轨道交通", None, None, False),
    (
        "北京中关村轨道交通产业发展有限公司",
        "中关村轨道交通",
        "municipal_soe",
        "轨道交通",
        None,
        None,
        False,
    ),
)
# The chain-leader unit the demo chain-leader account logs in as.
DEMO_CHAIN_LEADER_PARTNER = "交控科技股份有限公司"

# Projects promoted at the 2024 conference that the articles name: (name, kind, industry,
# location). None of them is marked signed here: the articles do not say which were.
NAMED_PROMOTED_PROJECTS = (
    ("卫星互联网产业园", "industrial", "航天航空", "丰台科技园"),
    ("国际花卉科创中心", "industrial", "数字花卉", "草桥"),
    ("北宫低空经济产业园", "industrial", "低空经济", "北宫镇"),
    ("天坛智能医工产业园", "industrial", "智能医工", "天坛"),
    ("丽泽国际金融城", "carrier", "新兴金融", "丽泽金融商务区"),
    ("长辛店老镇更新项目", "urban_renewal", None, "长辛店"),
    ("南苑森林湿地公园", "urban_renewal", None, "南苑"),
    ("“点靓凉水河”行动", "urban_renewal", None, "凉水河"),
    ("分钟寺新国贸项目", "carrier", "高端商务", "分钟寺"),
    ("丰台站前绿谷新城项目", "carrier", "高端商务", "丰台站"),
    ("万泉寺国际人才社区项目", "urban_renewal", None, "万泉寺"),
)
# Signed at the 2024 conference: (name, kind, industry, location, investor short name, notes).
NAMED_SIGNED_PROJECTS = (
    (
        "京东MALL",
        "carrier",
        "供应链/商贸物流",
        "南中轴大红门地区",
        "京东",
        "约7万平方米潮流购物空间。",
    ),
    ("新蛋白食品科技创新基地", "industrial", "未来食品", "", None, ""),
)
# Synthetic signed projects with the investors the articles name among the signatories.
SAMPLE_SIGNED_INVESTORS = ("瑞众人寿", "中国通号")
