"""Mentions: organisation names, places from the GB/T 2260 table, technical terms."""

from __future__ import annotations

from labline.core import refdata
from labline.intel.engine.mentions import Place, extract, short_name

PLACES = [Place(r.code, r.name_zh, r.name_en) for r in refdata.regions()]
ZH = [
    "国家发展改革委、科技部印发通知，推动长三角地区人工智能产业发展。",
    "支持中国科学院物理研究所和清华大学、宁德时代新能源科技股份有限公司联合开展钙钛矿太阳能电池攻关，"
    "江苏省和苏州市给予配套。",
    "钙钛矿叠层电池效率达到33.9%，苏州、吉林、广西都有布局。坚持以人民为中心，全部干部到位。",
]
EN = [
    "The Massachusetts Institute of Technology and the Department of Energy announced a "
    "perovskite solar cells program.",
    "Perovskite solar cells from Oxford PV Ltd. reach 28% efficiency. The National Science "
    "Foundation funds perovskite solar cells research in Beijing and Jiangsu.",
]


def test_chinese_organisations_are_whole_names():
    found = extract(ZH, places=PLACES)
    names = [m.text for m in found.organisations]
    assert set(names) == {
        "国家发展改革委",
        "科技部",
        "中国科学院物理研究所",
        "清华大学",
        "宁德时代新能源科技股份有限公司",
    }
    cas = next(m for m in found.organisations if m.text == "中国科学院物理研究所")
    assert cas.paragraphs == [2]
    assert "中心" not in names and "全部" not in names and "干部" not in names
    generic = extract(
        ["示例市人民政府和国家重点实验室、改革委员会、科研院所联合攻关。"], places=PLACES
    )
    assert [m.text for m in generic.organisations] == ["示例市人民政府"]


def test_places_by_full_and_short_name_one_mention_per_region():
    found = extract(ZH, places=PLACES)
    by_code = {m.code: m for m in found.places}
    assert by_code["320000"].text == "江苏省" and not by_code["320000"].ambiguous
    # 苏州市 in [2] and 苏州 in [3]: one region, both paragraphs
    assert by_code["320500"].paragraphs == [2, 3]
    assert by_code["220000"].ambiguous  # 吉林: the province and the city
    assert "350900" not in by_code  # 宁德 inside the company's name is not the city
    assert extract(["社会长治久安。"], places=PLACES).places == []
    assert short_name("广西壮族自治区") == "广西" and short_name("北京市") == "北京"


def test_terms_are_technical_and_cited():
    found = extract(ZH, places=PLACES)
    terms = [m.text for m in found.terms]
    assert terms[0] == "钙钛矿"
    assert found.terms[0].paragraphs == [2, 3]
    assert not {"科技部", "清华大学", "江苏省", "发展"} & set(terms)


def test_english_document():
    found = extract(EN, places=PLACES)
    assert {m.text for m in found.organisations} == {
        "Massachusetts Institute of Technology",
        "Department of Energy",
        "Oxford PV Ltd.",
        "National Science Foundation",
    }
    assert {m.code for m in found.places} == {"110000", "320000"}
    assert found.terms[0].text == "perovskite solar cells"
    assert found.terms[0].paragraphs == [1, 2]


def test_nothing_named():
    found = extract(["这是一段没有名称的普通文字。"], places=PLACES)
    assert found.organisations == [] and found.places == []


# Sentences as they stand in ../shared/data/texts (Government Work Reports, State Council
# documents, White House remarks).
REAL_ZH = [
    "完善应对外部风险冲击预案，有效维护金融安全稳定。",  # 应|对外部 (jieba: nt)
    "依靠创新提升实体经济发展水平，不断培育壮大发展新动能，有效应对外部打压遏制。",
    "（海关总署、文化和旅游部、文物局等按职责分工负责）",
    "成员由教育部、住房城乡建设部、发展改革委、人力资源社会保障部、商务部组成。",
    "财政部要会同发展改革委、工业和信息化部等部门抓好落实。",
    "责令左权县人民政府县长作出书面检查。当今世界面临百年未有之大变局。",
    "联席会议设联络员，由各成员单位有关司局负责同志担任。确保“十四五”开好局起好步。",
    "中亚有关国家签署合作文件，农业农村部、国家能源局、国家卫生健康委员会参加。",
]


def test_chinese_fragments_are_no_organisations():
    names = [m.text for m in extract(REAL_ZH, places=PLACES).organisations]
    assert not {"对外部", "旅游部", "建设部", "社会保障部", "会同发展改革委", "大变局"} & set(names)
    assert not any(n.endswith(("签署", "开好局", "司局")) for n in names)
    assert set(names) == {
        "海关总署",
        "文化和旅游部",
        "文物局",
        "发展改革委",
        "教育部",
        "住房城乡建设部",
        "人力资源社会保障部",
        "商务部",
        "财政部",
        "工业和信息化部",
        "左权县人民政府",
        "农业农村部",
        "国家能源局",
        "国家卫生健康委员会",
    }
    # A unit of a central body keeps its whole name.
    unit = extract(["支持中国科学院物理研究所开展攻关。"], places=PLACES).organisations
    assert [m.text for m in unit] == ["中国科学院物理研究所"]


def test_english_bodies_named_together_are_each_one():
    text = [
        "cost taxpayers more each year than the budgets for the Education and Homeland "
        "Security Departments combined.",
        "My Department of Energy is working with the State, Defense and Treasury Departments.",
    ]
    names = [m.text for m in extract(text, places=PLACES, language="en").organisations]
    assert "Education and Homeland Security Department" not in names
    assert set(names) == {
        "Education Department",
        "Homeland Security Department",
        "Department of Energy",
        "State Department",
        "Defense Department",
        "Treasury Department",
    }


def test_a_listed_term_is_one_word():
    """热管理 (term list) is one term of the document, not 热 and 管理."""
    paragraphs = [
        "新能源汽车动力电池热管理系统采用液冷板，热管理效率提高20%。",
        "整车热管理技术是新能源汽车的关键技术，热管理方案决定续航。",
    ]
    terms = [m.text for m in extract(paragraphs, places=PLACES).terms]
    assert "热管理" in terms
