"""Static demo data, taken from the Jinqiao article (`seed/DOMAIN.md`).

Everything random (names, phones, windows, locations) is drawn in `generate.py` from a seeded
`random.Random`; this module only holds the fixed facts and the word lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from app.enums import HouseholdCategory, PackageCadence, TeamKind, VisitKind

TOWN = "金桥镇"


@dataclass(frozen=True)
class NeighbourhoodSpec:
    name: str
    name_en: str
    slug: str  #: the coordinator's username
    x_km: float
    y_km: float
    streets: tuple[str, ...]


NEIGHBOURHOODS: tuple[NeighbourhoodSpec, ...] = (
    NeighbourhoodSpec("佳虹", "Jiahong", "jiahong", 1.5, 2.0, ("金高路2131弄", "东陆路2000弄")),
    NeighbourhoodSpec("永业", "Yongye", "yongye", 4.0, 1.0, ("金桥路1255弄", "博山东路580弄")),
    NeighbourhoodSpec("新城", "Xincheng", "xincheng", 5.0, 3.5, ("新金桥路2600弄", "金京路888弄")),
    NeighbourhoodSpec("城市家园", "Chengshi Jiayuan", "chengshijiayuan", 2.5, 4.5,
                      ("云山路1888弄", "张杨路3611弄")),
)

#: Each committee's duty phone (值班电话), printed on its package cards (made-up numbers).
DUTY_PHONES: dict[str, str] = {"佳虹": "021-58991201", "永业": "021-58991202",
                               "新城": "021-58991203", "城市家园": "021-58991204"}

#: (code, name_zh, name_en)
SKILLS: tuple[tuple[str, str, str], ...] = (
    ("blood_pressure", "量血压", "Blood pressure measurement"),
    ("haircut", "理发", "Haircut"),
    ("knife_sharpening", "磨刀", "Knife sharpening"),
    ("key_copying", "配钥匙", "Key copying"),
    ("umbrella_repair", "修伞", "Umbrella repair"),
    ("shoe_repair", "修鞋", "Shoe repair"),
    ("appliance_repair", "小家电维修", "Small-appliance repair"),
    ("mending", "缝补羊毛衫衣物", "Mending sweaters and clothes"),
    ("family_planning", "计生咨询", "Family-planning advice"),
    ("food_safety", "食品安全宣传", "Food-safety information"),
    ("home_medical", "上门医疗", "Home medical visit"),
    ("counselling", "心理咨询", "Psychological counselling"),
    ("legal_advice", "法律咨询", "Legal advice"),
    ("tutoring", "青少年辅导", "Youth tutoring"),
    ("grocery_delivery", "买菜送米", "Grocery and rice delivery"),
    ("property_repair", "物业维修", "Property repair"),
    ("cleanup", "环境整治", "Environment clean-up"),
    ("opera", "戏曲表演", "Opera performance"),
    ("patrol", "巡查监督", "Patrol and supervision"),
    ("companionship", "陪伴聊天", "Chat and companionship"),
    ("trainer_beauty", "美容培训", "Beauty training"),
    ("trainer_nutrition", "营养培训", "Nutrition training"),
    ("trainer_etiquette", "社交礼仪培训", "Social etiquette training"),
    ("trainer_flowers", "插花培训", "Flower-arranging training"),
)


@dataclass(frozen=True)
class TeamSpec:
    name: str
    kind: TeamKind
    skill: str  #: every member has this skill
    size: int
    extra_skills: tuple[str, ...]  #: skills most members also have
    description: str
    retired: bool = True  #: members are mostly retired (daytime windows)


#: The seven professional teams of the article, town-wide.
PROFESSIONAL_TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("上门医疗队", TeamKind.medical, "home_medical", 10, ("blood_pressure",),
             "退休医生、护士上门问诊,并定期为居民义务量血压。"),
    TeamSpec("上门理发队", TeamKind.haircut, "haircut", 8, (),
             "为行动不便的老人上门理发护发。"),
    TeamSpec("助老助残队", TeamKind.elder_care, "grocery_delivery", 16, ("companionship",),
             "为纯老、独居和残障家庭买菜送米、陪伴聊天。"),
    TeamSpec("物业维修队", TeamKind.repair, "property_repair", 10, ("appliance_repair",),
             "楼道防盗门、阴井盖、水电等小修小补,兼修小家电。"),
    TeamSpec("环境整治队", TeamKind.environment, "cleanup", 12, (),
             "小区卫生、绿化和乱堆放整治。"),
    TeamSpec("青少年假期培训队", TeamKind.youth, "tutoring", 10, (),
             "教师志愿者为假期中的中小学生辅导功课。", retired=False),
    TeamSpec("心理咨询队", TeamKind.counselling, "counselling", 6, (),
             "心理咨询师为困难家庭疏导情绪。", retired=False),
)

PATROL_SQUAD = "网吧监督中队"
#: Each neighbourhood's service group (团组) of party members on responsibility posts: the
#: article's Yongye members (Jiang Jiezhi and the others) are in Yongye's, and patrol with it.
PARTY_GROUP = "党员责任岗团组"
#: Four groups, 14 supervisors in all (the Yuepu squad of the article).
PATROL_GROUP_SIZES = (4, 4, 3, 3)
PATROL_GROUP_NAMES = ("第一小组", "第二小组", "第三小组", "第四小组")
#: The evenings each group patrols (0 = Monday); one café per evening.
PATROL_GROUP_DAYS = ((0, 2, 4), (1, 3, 5), (0, 2, 4), (1, 3, 5))
PATROL_START = time(19, 0)
PATROL_MINUTES = 90
PATROL_WEEKS = 4

#: Twelve internet cafés, three near each neighbourhood (same order as NEIGHBOURHOODS).
CAFES: tuple[tuple[str, str], ...] = (
    ("星空网吧", "金高路1088号"), ("极速网咖", "东陆路1766号"), ("飞扬网吧", "金高路1415号"),
    ("蓝海网吧", "金桥路1311号"), ("启航网吧", "博山东路612号"), ("风云网吧", "金桥路1150号"),
    ("新世纪网吧", "新金桥路2501号"), ("云端网咖", "金京路905号"), ("乐游网吧", "新金桥路2733号"),
    ("畅想网吧", "云山路1802号"), ("天行网咖", "张杨路3550号"), ("青苹果网吧", "云山路1930号"),
)

#: Lei Feng service day stations: (title, skill, max volunteers, resident slot minutes).
LEI_FENG_TEMPLATE = "学雷锋便民服务日"
LEI_FENG_START = time(8, 30)
LEI_FENG_MINUTES = 180
LEI_FENG_STATIONS: tuple[tuple[str, str, int, int | None], ...] = (
    ("义务量血压", "blood_pressure", 3, None),
    ("义务理发", "haircut", 3, 20),
    ("磨刀", "knife_sharpening", 2, None),
    ("配钥匙", "key_copying", 1, None),
    ("修伞", "umbrella_repair", 2, None),
    ("修鞋", "shoe_repair", 2, None),
    ("小家电维修", "appliance_repair", 2, None),
    ("缝补羊毛衫衣物", "mending", 3, None),
    ("计生咨询", "family_planning", 1, None),
    ("食品安全宣传", "food_safety", 2, None),
    ("法律咨询", "legal_advice", 2, None),
    ("心理咨询", "counselling", 1, None),
)
LEI_FENG_STATION_SKILLS = frozenset(station[1] for station in LEI_FENG_STATIONS)

TRAINING_TEMPLATE = "来沪女性素质提升培训"
#: The round ahead (open for sign-up); the second round was held before `today` (`courses`).
TRAINING_TITLE = "来沪女性多元一体化素质提升培训(第三期)"
TRAINING_ROUND_TWO_TITLE = "来沪女性多元一体化素质提升培训(第二期)"
TRAINING_DESCRIPTION = ("面向来沪女性的多元一体化素质提升培训，分四期：美容、营养、社交礼仪、插花。"
                        "报名一次即参加全部四期，出席满三期即可结业并领取结业证明。学做新上海人。")
TRAINING_PLACE = "城市家园社区学校"
TRAINING_START = time(14, 0)
TRAINING_MINUTES = 90
#: Places for the whole course, and the sessions to attend to complete it.
TRAINING_PLACES = 200
TRAINING_COMPLETION = 3
TRAINING_WEEKDAY = 5  # Saturday
TRAINING_SESSIONS: tuple[tuple[str, str], ...] = (
    ("美容", "trainer_beauty"),
    ("营养", "trainer_nutrition"),
    ("社交礼仪", "trainer_etiquette"),
    ("插花", "trainer_flowers"),
)

#: Jiang Jiezhi's weekly neighbourhood patrol in Yongye, every Monday morning.
YONGYE_PATROL_TITLE = "永业居民区小区巡查"
YONGYE_PATROL_START = time(9, 0)
YONGYE_PATROL_MINUTES = 90

#: (category, interval days, preferred contact)
VISIT_POLICIES: tuple[tuple[HouseholdCategory, int, VisitKind, str], ...] = (
    (HouseholdCategory.ordinary, 365, VisitKind.door, "一年至少一次有效沟通,可结合节庆走访。"),
    (HouseholdCategory.resource, 180, VisitKind.appointment, "结合其职业作息时间约访。"),
    (HouseholdCategory.elderly_only, 30, VisitKind.door, "重点关注:提高走访频率。"),
    (HouseholdCategory.disabled, 30, VisitKind.door, "重点关注:提高走访频率。"),
    (HouseholdCategory.special_population, 30, VisitKind.door, "重点关注:提高走访频率。"),
    (HouseholdCategory.group_renting, 30, VisitKind.door, "重点关注:提高走访频率。"),
    (HouseholdCategory.poor_and_ill, 14, VisitKind.door, "结对党员定期上门闲话家常。"),
    (HouseholdCategory.living_alone, 14, VisitKind.door, "结对帮扶:量身定做服务套餐。"),
    (HouseholdCategory.very_old, 14, VisitKind.door, "结对帮扶:量身定做服务套餐。"),
    (HouseholdCategory.laid_off, 30, VisitKind.phone, "结对帮扶。"),
    (HouseholdCategory.intellectual_disability, 14, VisitKind.door, "结对帮扶。"),
    (HouseholdCategory.major_misfortune, 14, VisitKind.door, "结对帮扶。"),
)

#: The services households receive as package items: (name, skill, cadence, nth of the month
#: for monthly ones, duration minutes, description).
CARE_PACKAGES: tuple[tuple[str, str, PackageCadence, int | None, int, str], ...] = (
    ("买菜送米上门", "grocery_delivery", PackageCadence.weekly, None, 60,
     "每周为老人买菜买米送上门。"),
    ("陪伴聊天", "companionship", PackageCadence.weekly, None, 60,
     "每周上门闲话家常,了解老人近况。"),
    ("上门健康检查", "home_medical", PackageCadence.fortnightly, None, 45,
     "每两周上门量血压、问诊。"),
    ("上门理发护发", "haircut", PackageCadence.monthly, 2, 45, "每月上门剪发护发。"),
    ("戏曲表演", "opera", PackageCadence.monthly, 3, 60, "每月为老人表演戏曲。"),
)

#: Household category combinations for elderly households, drawn in turn.
HOUSEHOLD_CATEGORIES: tuple[tuple[HouseholdCategory, ...], ...] = (
    (HouseholdCategory.elderly_only, HouseholdCategory.very_old),
    (HouseholdCategory.living_alone, HouseholdCategory.very_old),
    (HouseholdCategory.living_alone,),
    (HouseholdCategory.elderly_only, HouseholdCategory.disabled),
    (HouseholdCategory.elderly_only, HouseholdCategory.poor_and_ill),
    (HouseholdCategory.living_alone, HouseholdCategory.poor_and_ill),
    (HouseholdCategory.elderly_only,),
    (HouseholdCategory.elderly_only, HouseholdCategory.intellectual_disability),
    (HouseholdCategory.living_alone, HouseholdCategory.major_misfortune),
    (HouseholdCategory.elderly_only, HouseholdCategory.laid_off),
)
HOUSEHOLDS_PER_NEIGHBOURHOOD = 6

SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈沈姚卢钟陆陆汪范金顾顾施钱严倪邵俞殷朱张王"
)
FEMALE_CHARS = "秀英兰芳娟敏静丽琴霞玉珍凤红梅萍燕华慧洁婷雯莉佳颖雪琳月美蓉菊莲珠琼彩"
MALE_CHARS = "伟强军磊勇杰涛明超刚平辉鹏华建国忠林峰斌波宏德海志文荣生新良福根宝伯金"
OLD_FEMALE_NAMES = ("桂英", "秀珍", "凤英", "根娣", "金妹", "雪娣", "巧珍", "素珍", "惠芳",
                    "美娟", "玉兰", "佩芳", "彩娣", "阿珍")
OLD_MALE_NAMES = ("宝根", "福林", "根宝", "荣生", "伯年", "德明", "阿发", "金龙", "雪林",
                  "长根", "国华", "兴福")

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "185", "186", "187", "188", "189",
)

#: Volunteers named in the article (Yongye party members): name, skills, note.
ARTICLE_VOLUNTEERS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("江洁志", ("grocery_delivery", "patrol", "companionship"),
     "党员责任岗。自2004年起每周一巡查小区,每年近50次;2011年提出235条意见建议,全部落实。"
     "为结对老人买菜买米送上门。"),
    ("邬国兰", ("opera", "companionship"), "党员,为结对老人表演戏曲。"),
    ("张杰", ("haircut",), "党员,为结对老人剪发护发。"),
)
