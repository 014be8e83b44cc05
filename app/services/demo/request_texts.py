"""The words of the demo's requests: what residents raise in a year, what the committee
posts or explains, what Jiang Jiezhi notes on her Monday rounds, and the departments matters
are passed on to."""

from __future__ import annotations

from app.enums import RequestCategory

C = RequestCategory

#: Positions among the linkage's levels handled by departments, lowest first (as seeded).
TOWN, DISTRICT = 0, 1
#: (name, English name, level) of the departments requests are passed on to.
DEPARTMENTS: tuple[tuple[str, str, int], ...] = (
    ("金桥镇城建办", "Jinqiao town planning and building office", TOWN),
    ("金桥镇市容所", "Jinqiao town city appearance office", TOWN),
    ("浦东新区房管局", "Pudong district housing bureau", DISTRICT),
)

#: What is raised: (category, the resident's words, the board's title, its result, the
#: explanation when it cannot be met). `{b}` is a building number.
MATTERS: tuple[tuple[RequestCategory, str, str, str, str], ...] = (
    (C.environment, "{b}号楼楼道里堆了很多杂物，影响通行", "{b}号楼楼道杂物清理",
     "居委会组织志愿者和保洁员清理了楼道杂物，并与楼组长约定每月检查。",
     "杂物是住户自家物品，已请楼组长上门劝说，由住户自行清理。"),
    (C.environment, "{b}号楼旁边的垃圾箱房气味很大，夏天苍蝇多", "{b}号楼垃圾箱房除臭灭蝇",
     "垃圾箱房每天冲洗两次，加装了纱门，每周消杀一次。",
     "垃圾清运时间由市容所统一安排，居委会已反映，暂时无法改变。"),
    (C.public_facilities, "{b}号楼前的路灯坏了，晚上很黑", "{b}号楼前路灯修复",
     "物业更换了灯具，并检查了小区所有路灯。",
     "这盏灯属于市政道路照明，已告知市政热线，由其安排维修。"),
    (C.public_facilities, "小区健身器材有一件松动了，怕老人受伤", "健身苑器材加固",
     "物业加固了松动的器材，并贴上了使用提示。",
     "器材已过保修期，需要更换，资金正在申请，先拆除以免伤人。"),
    (C.public_facilities, "希望在{b}号楼门口加几张长椅，老人走累了可以坐坐",
     "{b}号楼门口增设长椅", "在{b}号楼门口和花园步道旁增设了四张长椅。",
     "门口是消防通道，不能摆放长椅，已在花园步道旁增设。"),
    (C.property_repair, "{b}号楼屋顶漏水，顶楼天花板发霉", "{b}号楼屋顶防水修缮",
     "动用维修资金重做了屋顶防水层，顶楼住户家中已修补。",
     "屋顶漏水需动用维修资金，须经业主表决，居委会正在协助征询。"),
    (C.property_repair, "{b}号楼单元门的门禁坏了，外人随便进出", "{b}号楼单元门禁修复",
     "物业更换了门禁主板，并给住户补发了门禁卡。",
     "门禁由物业负责，已督促物业维修，费用按合同由物业承担。"),
    (C.safety, "{b}号楼楼道里有人给电瓶车充电，很危险", "{b}号楼电瓶车集中充电",
     "在小区内建成电瓶车集中充电棚，楼道不再停放电瓶车。",
     "已上门劝阻，消防安全需要大家配合，请发现时及时告知居委会。"),
    (C.safety, "小区东门晚上没有人值守", "东门夜间值守",
     "党员志愿者和保安轮流在东门夜间值守，加装了监控。",
     "东门夜间关闭，居民可从南门出入，南门有保安值守。"),
    (C.parking_traffic, "小区里乱停车，消防通道经常被堵", "消防通道禁停标线",
     "重新划了消防通道禁停标线，居民志愿者每周巡查。",
     "车位紧张，居委会正在与周边单位协商错时停车。"),
    (C.parking_traffic, "希望增加非机动车停放点", "增设非机动车停放点",
     "在{b}号楼旁增设了一处非机动车停放点，可停放四十辆车。",
     "场地有限，暂时无法增设，请使用现有停放点。"),
    (C.elderly_care, "独居老人买菜不方便，希望有人帮忙", "独居老人代购服务",
     "志愿者每周为独居老人买菜送上门，已结对二十二户。",
     "已为这位老人联系结对志愿者，每周上门一次。"),
    (C.elderly_care, "希望老年活动室开放时间长一点", "老年活动室延长开放",
     "老年活动室改为每天8:00–20:00开放，由志愿者轮流值班。",
     "活动室晚上无人值守，暂时无法延长，周末已增加开放时间。"),
    (C.health, "小区里能不能有医生定期来做健康咨询", "社区医生定期健康咨询",
     "社区卫生服务中心每月派医生来居委会做一次健康咨询。",
     "医生人手紧张，居委会已帮您预约社区卫生服务中心的家庭医生。"),
    (C.neighbours, "楼上住户晚上很吵，影响休息", "",
     "", "已请楼组长上门沟通，双方约定晚上十点后保持安静。"),
    (C.neighbours, "邻居在公共绿地种菜，希望恢复绿化", "公共绿地恢复绿化",
     "与种菜住户沟通后恢复了绿化，另设了一块居民认养的小菜园。",
     "这块地属于住户自家花园范围，居委会无法要求清除。"),
    (C.other, "希望居委会多组织一些亲子活动", "周末亲子活动",
     "每月第二个周六组织一次亲子活动，已举办六次。",
     "场地和志愿者有限，已把您的建议转给社区学校。"),
)

#: Jiang Jiezhi's patrol notes: what she finds on a Monday round (one per suggestion).
PATROL_FINDINGS: tuple[tuple[RequestCategory, str, str], ...] = (
    (C.environment, "{b}号楼楼道堆放杂物", "已通知楼组长督促住户清理。"),
    (C.environment, "{b}号楼旁草坪有白色垃圾", "保洁员当天清理。"),
    (C.public_facilities, "{b}号楼前路灯不亮", "物业已更换灯泡。"),
    (C.public_facilities, "{b}号楼信报箱门脱落", "物业已修好。"),
    (C.safety, "{b}号楼楼道有电瓶车充电", "已劝阻，电瓶车移到集中充电棚。"),
    (C.safety, "{b}号楼消防栓箱玻璃破损", "物业已更换玻璃。"),
    (C.parking_traffic, "{b}号楼前车辆占用消防通道", "已联系车主移车。"),
    (C.property_repair, "{b}号楼单元门闭门器损坏", "物业已更换闭门器。"),
    (C.property_repair, "{b}号楼雨水管断裂", "物业已修复。"),
    (C.environment, "{b}号楼旁窨井盖松动", "物业已加固。"),
)
