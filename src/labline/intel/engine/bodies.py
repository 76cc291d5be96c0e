"""China's central government bodies by name: the State Council's departments and the
bodies directly under it, as their official full and short names stand in policy texts.

jieba cuts many of them into pieces a finder reading word by word cannot put together
(住房城乡建设部 → 住房|城乡|建设部, 文化和旅游部 → 文化|和|旅游部, 国家能源局 → 国家|能源|局),
and reads their tail alone as a name (建设部, 旅游部, 社会保障部). Found by name first,
they stay whole. Names of bodies that existed in earlier years (劳动和社会保障部) are kept
too: the Government Work Reports go back to 1954.

Pure: no imports beyond the standard library.
"""

from __future__ import annotations

import re
from functools import cache


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CENTRAL_BODIES = _names(
    # The State Council's departments (2023), full and short names.
    "外交部 国防部 国家发展和改革委员会 国家发展改革委 教育部 科学技术部 科技部 "
    "工业和信息化部 工信部 国家民族事务委员会 国家民委 公安部 国家安全部 民政部 司法部 财政部 "
    "人力资源和社会保障部 人力资源社会保障部 自然资源部 生态环境部 住房和城乡建设部 "
    "住房城乡建设部 交通运输部 水利部 农业农村部 商务部 文化和旅游部 国家卫生健康委员会 "
    "国家卫生健康委 退役军人事务部 应急管理部 中国人民银行 审计署 "
    # Bodies directly under the State Council and the bureaus its departments run.
    "国务院办公厅 国务院国有资产监督管理委员会 国务院国资委 海关总署 国家税务总局 税务总局 "
    "国家市场监督管理总局 市场监管总局 国家金融监督管理总局 中国证券监督管理委员会 中国证监会 "
    "国家广播电视总局 国家体育总局 国家信访局 国家统计局 国家知识产权局 国家国际发展合作署 "
    "国家医疗保障局 国家医保局 国家机关事务管理局 国家能源局 国家数据局 国家林业和草原局 "
    "国家铁路局 中国民用航空局 国家邮政局 国家文物局 国家中医药管理局 国家疾病预防控制局 "
    "国家矿山安全监察局 国家消防救援局 国家外汇管理局 国家药品监督管理局 国家药监局 "
    "国家烟草专卖局 国家移民管理局 国家国防科技工业局 国家粮食和物资储备局 国务院发展研究中心 "
    "中国科学院 中国工程院 中国社会科学院 国家自然科学基金委员会 "
    # Short names the State Council's documents use in their lists of who is responsible.
    "发展改革委 卫生健康委 国资委 医保局 林草局 中医药局 药监局 外汇局 知识产权局 文物局 "
    # Earlier names.
    "劳动和社会保障部 劳动保障部 国家计划委员会 国家经济贸易委员会 国家经贸委 "
    "国家质量监督检验检疫总局 质检总局 国家食品药品监督管理总局 国家卫生和计划生育委员会 "
    "国家卫生计生委 国家工商行政管理总局 工商总局 农业部 文化部 国家旅游局 环境保护部 国土资源部"
)


@cache
def _pattern() -> re.Pattern[str]:
    return re.compile("|".join(sorted(map(re.escape, CENTRAL_BODIES), key=len, reverse=True)))


def central_bodies(text: str) -> list[str]:
    """Each central body the text names, once per time it stands there, in order."""
    return _pattern().findall(text)
