"""Bilingual vocabulary for the demo world: names of people, firms, sectors and fields."""

from __future__ import annotations

# (surname, pinyin) roughly by frequency
SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
    ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"),
    ("高", "Gao"), ("罗", "Luo"), ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"),
    ("唐", "Tang"), ("许", "Xu"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"), ("曹", "Cao"),
    ("彭", "Peng"), ("曾", "Zeng"), ("肖", "Xiao"), ("田", "Tian"), ("董", "Dong"), ("潘", "Pan"),
    ("袁", "Yuan"), ("蔡", "Cai"), ("蒋", "Jiang"), ("余", "Yu"), ("于", "Yu"), ("杜", "Du"),
]
GIVEN = [
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("磊", "Lei"),
    ("洋", "Yang"), ("艳", "Yan"), ("勇", "Yong"), ("军", "Jun"), ("杰", "Jie"), ("娟", "Juan"),
    ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("霞", "Xia"), ("平", "Ping"), ("刚", "Gang"),
    ("桂", "Gui"), ("华", "Hua"), ("建", "Jian"), ("国", "Guo"), ("晓", "Xiao"), ("丽", "Li"),
    ("文", "Wen"), ("浩", "Hao"), ("宇", "Yu"), ("欣", "Xin"), ("思", "Si"), ("佳", "Jia"),
    ("子", "Zi"), ("涵", "Han"), ("梓", "Zi"), ("睿", "Rui"), ("博", "Bo"), ("雪", "Xue"),
    ("琳", "Lin"), ("晨", "Chen"), ("阳", "Yang"), ("鹏", "Peng"), ("志", "Zhi"), ("海", "Hai"),
]
BRAND = [
    ("华", "Hua"), ("晟", "sheng"), ("天", "Tian"), ("合", "he"), ("科", "ke"), ("创", "chuang"),
    ("新", "xin"), ("源", "yuan"), ("瑞", "Rui"), ("博", "bo"), ("达", "da"), ("光", "guang"),
    ("远", "yuan"), ("泰", "tai"), ("宏", "Hong"), ("盛", "sheng"), ("鑫", "xin"), ("隆", "long"),
    ("恒", "Heng"), ("安", "an"), ("腾", "teng"), ("诚", "cheng"), ("联", "lian"), ("信", "xin"),
    ("智", "Zhi"), ("汇", "hui"), ("通", "tong"), ("明", "ming"), ("德", "De"), ("海", "hai"),
    ("峰", "feng"), ("正", "Zheng"), ("中", "Zhong"), ("长", "Chang"), ("金", "Jin"), ("卓", "Zhuo"),
    ("越", "yue"), ("启", "Qi"), ("凯", "Kai"), ("辰", "chen"), ("星", "xing"), ("云", "yun"),
]

# Sectors the region cares about: industry class code, names, firm words, technical fields.
SECTORS = [
    {
        "key": "steel", "industry": "3110", "fallback": "31", "zh": "钢铁", "en": "Steel",
        "firm_zh": "特钢", "firm_en": "Special Steel",
        "fields": [("氢冶金", "hydrogen metallurgy"), ("高强钢板", "high-strength steel plate"),
                   ("电弧炉短流程", "electric arc furnace steelmaking"), ("钢渣资源化", "steel slag recycling")],
    },
    {
        "key": "pv", "industry": "3825", "fallback": "38", "zh": "光伏", "en": "Photovoltaics",
        "firm_zh": "光伏科技", "firm_en": "Photovoltaic Technology",
        "fields": [("钙钛矿叠层电池", "perovskite tandem solar cells"), ("异质结电池", "heterojunction solar cells"),
                   ("光伏组件回收", "PV module recycling"), ("TOPCon电池", "TOPCon solar cells")],
    },
    {
        "key": "nev", "industry": "3612", "fallback": "36", "zh": "新能源汽车", "en": "New-Energy Vehicles",
        "firm_zh": "新能源汽车", "firm_en": "New Energy Vehicle",
        "fields": [("固态电池", "solid-state batteries"), ("电驱动系统", "electric drive systems"),
                   ("热管理", "thermal management"), ("车规级芯片", "automotive-grade chips")],
    },
    {
        "key": "battery", "industry": "3841", "fallback": "38", "zh": "锂电池", "en": "Lithium Batteries",
        "firm_zh": "锂能", "firm_en": "Lithium Energy",
        "fields": [("硅碳负极", "silicon-carbon anodes"), ("钠离子电池", "sodium-ion batteries"),
                   ("电池管理系统", "battery management systems")],
    },
    {
        "key": "bio", "industry": "27", "fallback": "27", "zh": "生物医药", "en": "Biomedicine",
        "firm_zh": "生物医药", "firm_en": "Biopharmaceutical",
        "fields": [("单克隆抗体", "monoclonal antibodies"), ("mRNA疫苗", "mRNA vaccines"),
                   ("细胞治疗", "cell therapy"), ("中药现代化", "modernised traditional Chinese medicine")],
    },
    {
        "key": "robot", "industry": "3491", "fallback": "34", "zh": "机器人", "en": "Robotics",
        "firm_zh": "机器人", "firm_en": "Robotics",
        "fields": [("协作机器人", "collaborative robots"), ("机器视觉", "machine vision"),
                   ("精密减速器", "precision reducers"), ("人形机器人", "humanoid robots")],
    },
    {
        "key": "chip", "industry": "3973", "fallback": "39", "zh": "集成电路", "en": "Integrated Circuits",
        "firm_zh": "微电子", "firm_en": "Microelectronics",
        "fields": [("碳化硅功率器件", "silicon carbide power devices"), ("先进封装", "advanced packaging"),
                   ("EDA工具", "EDA tools"), ("光刻胶", "photoresists")],
    },
    {
        "key": "materials", "industry": "26", "fallback": "26", "zh": "新材料", "en": "New Materials",
        "firm_zh": "新材料", "firm_en": "Advanced Materials",
        "fields": [("石墨烯", "graphene"), ("碳纤维复合材料", "carbon fibre composites"),
                   ("高温合金", "superalloys"), ("可降解塑料", "biodegradable plastics")],
    },
    {
        "key": "software", "industry": "65", "fallback": "65", "zh": "工业软件", "en": "Industrial Software",
        "firm_zh": "软件", "firm_en": "Software",
        "fields": [("工业互联网", "industrial internet"), ("数字孪生", "digital twins"),
                   ("大模型应用", "large language model applications")],
    },
]

FIRM_SUFFIX = [("有限公司", "Co., Ltd."), ("股份有限公司", "Co., Ltd. (joint-stock)"), ("集团有限公司", "Group Co., Ltd.")]
UNIVERSITY_KINDS = [("大学", "University"), ("理工大学", "University of Technology"),
                    ("工业大学", "University of Technology"), ("科技大学", "University of Science and Technology"),
                    ("医科大学", "Medical University"), ("师范大学", "Normal University")]
FACILITIES = [("同步辐射光源", "Synchrotron Light Source"), ("冷冻电镜中心", "Cryo-EM Centre"),
              ("超级计算中心", "Supercomputing Centre"), ("微纳加工平台", "Micro/Nano Fabrication Platform"),
              ("散裂中子源", "Spallation Neutron Source"), ("强磁场实验装置", "High Magnetic Field Facility")]
HUB_CITIES = ["440300", "320500", "340100", "420100", "610100", "510100", "330100", "320100",
              "110000", "310000", "440100", "430100", "320200", "320400", "330200", "120000",
              "370200", "370100", "350200", "500000", "210200", "410100", "360100", "450100"]
