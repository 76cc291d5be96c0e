"""Mentions in a document: the organisations, places and technical terms it names, each with
the numbered paragraphs it stands in.

- Organisations: Chinese names are runs of jieba words ending in an organisation word
  (大学, 研究所, 有限公司, 委员会, 部 …) or tagged as one (`nt`), e.g. 中国科学院物理研究所,
  国家发展改革委; China's central government bodies are found by name first
  (engine.bodies: jieba cuts 住房城乡建设部 and reads 建设部 alone), and a word that only
  ends like one names none (应|对外部风险, 大变局, 签署). English names are capitalised
  runs holding University, Institute, Ministry, Inc. … ("Massachusetts Institute of
  Technology"); bodies named together ("the Education and Homeland Security Departments")
  are each one (Education Department, Homeland Security Department).
- Places: the region names of the table handed in (GB/T 2260: code, Chinese and English
  names), by full name (江苏省) or short name (江苏); a short name two regions share is
  flagged ambiguous.
- Terms: the document's salient technical words (jieba's TF-IDF for Chinese; repeated
  content phrases for English), organisations and places left out.

Pure: no database, web or domain imports; the region table is the caller's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from labline.intel.engine.bodies import central_bodies
from labline.intel.engine.keyphrase import _EN_WEAK, _english_candidates, _posseg
from labline.intel.engine.text import detect_language


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ORG_SUFFIXES = (
    "大学",
    "学院",
    "研究院",
    "研究所",
    "科学院",
    "工程院",
    "实验室",
    "公司",
    "集团",
    "委员会",
    "中心",
    "医院",
    "协会",
    "学会",
    "基金会",
    "办公室",
    "国务院",
    "委",
    "部",
    "局",
    "厅",
    "署",
)
_NOT_ORG_ENDINGS = (
    *("部署", "干部", "布局", "格局", "大局", "全局", "结局", "开局", "新局", "部分"),
    *("变局", "好局"),  # 百年未有之大变局, 开好局
    # jieba's dictionary holds 对外部 as an organisation: 应对|外部风险 read 应|对外部.
    *("外部", "内部", "全部", "局部", "签署"),
)
# Words that start no name: 布局|国家实验室, 重组|国家重点实验室.
_JOIN_STOP = _words(
    "布局 重组 优化 建设 组建 支持 依托 推动 加快 完善 设立 成立 新建 培育 打造 发挥 加强 "
    "深化 建立 推进 会议 通过 批准 决定 "
    # Verbs and determiners before a name: 会同|发展改革委, 责令|左权县人民政府, 有关|司局.
    "会同 协同 责令 经 由 有关 相关 各 规范 "
)
_NT_ENDINGS = (*_ORG_SUFFIXES, "政府", "院", "会", "行", "政协", "中央", "社", "所", "办", "组")
# Words ending in an organisation word that name none.
_NOT_ORGS = _words(
    "全部 内部 外部 东部 西部 中部 北部 南部 干部 局部 总部 头部 底部 "
    "腹部 胸部 部分 结局 格局 布局 大局 全局 当局 开局 中心 重心 核心 "
    "信心 决心 公司 集团 大学 学院 黑社会 "
)
# Names of a kind of organisation, not of one.
_GENERIC_ORGS = _words(
    "人民政府 政府 市政府 省政府 县政府 区政府 地方政府 中央政府 实验室 重点实验室 国家重点实验室 "
    "科研院所 行业协会 委员会 改革委员会 高等学校 研究院 研究所 有限公司 国家机关 事业单位 "
    "主管部门 有关部门 相关部门 职能部门 工作部门 各部门 新型研发机构 科技型企业 高新技术企业 "
)
_PROPER_TAGS = frozenset(("ns", "nr", "nrt", "nz", "eng", "j"))
_MINISTRY = ("部", "委", "局", "厅", "署")
_JOIN_TAGS = frozenset(("nt", "ns", "nr", "nz", "n", "vn", "eng", "j", "zg", "nrt", "x"))
_EN_ORG_WORD = (
    r"University|Institute|Academy|Laboratory|Laboratories|Corporation|Company|Inc\.?|Ltd\.?"
    r"|Group|Ministry|Commission|Agency|Department|Council|Foundation|Administration|Bureau"
    r"|College|Office|Association|Society|Bank|Center|Centre"
)
_CAP = r"(?:[A-Z][A-Za-z&\-]+|[A-Z]{2,})"
_EN_ORG = re.compile(
    rf"\b(?:(?:The\s+)?{_CAP}(?:\s+(?:of|for|and|on|&)\s+|\s+))*?"
    rf"(?:{_EN_ORG_WORD})(?![A-Za-z])"
    rf"(?:\s+(?:of|for|on)(?:\s+(?:the\s+)?{_CAP})+)?"
)
# Several bodies named at once: "the Education and Homeland Security Departments" are the
# Education Department and the Homeland Security Department, not one of that name.
_EN_PLURALS = {
    "Departments": "Department",
    "Ministries": "Ministry",
    "Agencies": "Agency",
    "Universities": "University",
    "Institutes": "Institute",
    "Commissions": "Commission",
    "Councils": "Council",
    "Offices": "Office",
    "Foundations": "Foundation",
    "Administrations": "Administration",
    "Bureaus": "Bureau",
    "Colleges": "College",
    "Academies": "Academy",
    "Centers": "Center",
    "Centres": "Centre",
}
_EN_AND = r"(?:\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+)"
_EN_SEVERAL = re.compile(
    rf"\b((?:{_CAP}\s+)*{_CAP}(?:{_EN_AND}(?:{_CAP}\s+)*{_CAP})+)\s+({'|'.join(_EN_PLURALS)})\b"
)
# Capitalised words that start a sentence, not a name: "My Department of Energy".
_EN_NOT_NAME = _words(
    "the my our your his her their its this that these those every each and but so or "
    "today now when if as at in on for with by from to mr ms mrs dr "
)
_ZH_SHORT_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "地区",
    "省",
    "市",
    "盟",
)
_EN_GENERIC = _words(
    "percent share public work year country countries government world american americans "
    "nation national state states program programs support today economy growth policy "
    "policies plan plans companies company industry industries market markets jobs workers "
    "money billion million future history president administration congress law laws "
    "people example day days week weeks month months number numbers level levels "
)
_TERM_POS = ("n", "nz", "vn", "eng", "nw")
_GENERIC_TERMS = _words(
    "国家 政府 企业 社会 经济 发展 工作 建设 国务院 人民 部门 地方 单位 "
    "问题 方面 领域 水平 能力 体系 机制 制度 政策 措施 意见 通知 文件 "
    "规定 办法 情况 全国 中国 我国 同志 群众 改革 管理 印发 服务 创新 "
    "合作 推进 加强 支持 实施 重点 项目 资金 任务 目标 作用 基础 条件 "
    "环境 质量 市场 产业 行业 技术 科技 研究 资源 经验 成果 时期 年度 "
    "地区 城市 农村 人员 中央 党中央 示例 市政府 "
)


@dataclass(frozen=True)
class Place:
    """A region as the caller's table gives it (GB/T 2260)."""

    code: str
    name_zh: str
    name_en: str


@dataclass
class Mention:
    kind: str  # organisation, place, term
    text: str  # as it stands in the document
    paragraphs: list[int] = field(default_factory=list)  # 1-based, as cited
    count: int = 0
    code: str | None = None  # a place's region code
    ambiguous: bool = False  # a short place name two regions share
    weight: float = 0.0  # a term's salience (TF-IDF), otherwise its count


@dataclass
class Mentions:
    organisations: list[Mention]
    places: list[Mention]
    terms: list[Mention]


def short_name(name_zh: str) -> str:
    """江苏省 → 江苏, 广西壮族自治区 → 广西; a name of two characters stays whole."""
    for suffix in _ZH_SHORT_SUFFIXES:
        if name_zh.endswith(suffix) and len(name_zh) - len(suffix) >= 2:
            return name_zh[: -len(suffix)]
    return name_zh


def _add(
    found: dict[str, Mention], kind: str, text: str, n: int, key: str = "", **extra: Any
) -> None:
    m = found.get(key or text)
    if m is None:
        m = found[key or text] = Mention(kind, text, **extra)
    m.count += 1
    if n not in m.paragraphs:
        m.paragraphs.append(n)


def _is_org_word(word: str, tag: str) -> bool:
    if word in _NOT_ORGS or word.endswith(_NOT_ORG_ENDINGS) or (len(word) == 1 and word != "委"):
        return False
    if word.endswith("部") and any(c in "东西南北中" for c in word[:-1]):
        return False  # 中西部, 东北部: parts of a country
    # jieba's dictionary tags 新进展 and 中央财政 as organisations too: its tag counts only
    # for a word that ends like one.
    return word.endswith(_ORG_SUFFIXES) or (tag == "nt" and word.endswith(_NT_ENDINGS))


def _chinese_organisations(text: str) -> list[str]:
    # The dictionary's words and tags only (jieba's HMM guesses organisation tags for
    # phrases such as 新进展, and takes three times as long).
    tagged = [(w, f) for w, f in _posseg().lcut(text, HMM=False) if w.strip()]
    known = central_bodies(text)
    out: list[str] = []
    for i, (word, tag) in enumerate(tagged):
        if not _is_org_word(word, tag):
            continue
        if i + 1 < len(tagged) and _is_org_word(*tagged[i + 1]):
            continue  # the name goes on: 中国科学院 | 物理研究所
        start = i
        # A whole name (国务院) takes no words before it; a generic one (人民政府) its place.
        whole = tag == "nt" and word not in _GENERIC_ORGS
        while start > 0 and i - start < 5 and not whole:
            prev, prev_tag = tagged[start - 1]
            if (
                prev in _JOIN_STOP
                or prev_tag not in _JOIN_TAGS
                or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", prev)
            ):
                break
            start -= 1
        parts = tagged[start : i + 1]
        name = "".join(w for w, _ in parts)
        proper = (
            any(t in _PROPER_TAGS for _, t in parts)
            or (tag == "nt" and start == i)
            or (start == i and len(name) == 3 and name.endswith(_MINISTRY))  # 科技部
            or len(name) >= 6
        )
        if len(name) >= 3 and proper and name not in _NOT_ORGS | _GENERIC_ORGS:
            out.append(name)
    # A central body's name found whole leaves out the pieces of it (建设部 of 住房城乡建设部)
    # and the words run into it (陈宝生|教育部); a unit of it stays (中国科学院物理研究所).
    out = known + [n for n in out if not any(n in k or n.endswith(k) for k in known)]
    # 中国科学院 standing inside 中国科学院物理研究所 is that one name.
    return [n for n in out if not any(n != m and n in m for m in out)]


def _english_organisations(text: str) -> list[str]:
    out = []
    for m in _EN_ORG.finditer(text):
        words = m.group(0).split()
        while len(words) > 1 and words[0].lower() in _EN_NOT_NAME:
            words = words[1:]
        name = " ".join(words)
        if " " in name or name.endswith("."):
            out.append(name)
    for m in _EN_SEVERAL.finditer(text):
        for part in re.split(_EN_AND, m.group(1)):
            words = part.split()
            while words and words[0].lower() in _EN_NOT_NAME:
                words = words[1:]
            if words:
                out.append(f"{' '.join(words)} {_EN_PLURALS[m.group(2)]}")
    return out


@cache
def _place_patterns(places: tuple[Place, ...]) -> tuple[re.Pattern[str], dict[str, list[Place]]]:
    names: dict[str, list[Place]] = {}
    for p in places:
        keys = {p.name_zh, short_name(p.name_zh)}
        if p.name_en:
            keys.add(p.name_en)
        for key in keys:
            if len(key) >= 2:
                names.setdefault(key, []).append(p)
    alternatives = sorted(names, key=len, reverse=True)
    pattern = re.compile(
        "|".join(
            rf"\b{re.escape(a)}\b" if a.isascii() else re.escape(a)
            for a in alternatives
            if a.strip()
        )
    )
    return pattern, names


def _places(
    paragraphs: Sequence[str], places: tuple[Place, ...], orgs: dict[int, list[str]]
) -> list[Mention]:
    if not places:
        return []
    pattern, names = _place_patterns(places)
    found: dict[str, Mention] = {}
    for n, text in enumerate(paragraphs, 1):
        inside = [
            (s.start(), s.end()) for o in orgs.get(n, ()) for s in re.finditer(re.escape(o), text)
        ]
        words: set[str] | None = None
        for m in pattern.finditer(text):
            full = any(m.group(0) == p.name_zh for p in names[m.group(0)])
            if not full and any(s <= m.start() and m.end() <= e for s, e in inside):
                continue  # 宁德 in 宁德时代…公司 names the company, not the city
            if not full and not m.group(0).isascii():
                # A short name must stand as a word: 长治 in 长治久安 is no city.
                if words is None:
                    words = {w for w, _ in _posseg().lcut(text, HMM=False)}
                if m.group(0) not in words:
                    continue
            candidates = names[m.group(0)]
            # A full name picks its region; a short one prefers the province it names.
            exact = [p for p in candidates if m.group(0) in (p.name_zh, p.name_en)]
            chosen = exact or sorted(
                candidates, key=lambda p: (not p.code.endswith("0000"), p.code)
            )
            best = chosen[0]
            ambiguous = len({p.code for p in chosen}) > 1
            _add(found, "place", m.group(0), n, best.code, code=best.code, ambiguous=ambiguous)
    return sorted(found.values(), key=lambda m: (-m.count, m.paragraphs[0]))


def _terms(
    paragraphs: Sequence[str], language: str, taken: Iterable[str], limit: int
) -> list[Mention]:
    taken = set(taken)
    # Headers, document numbers and signatures name no technology.
    text = "\n".join(p for p in paragraphs if len(p) >= 20) or "\n".join(paragraphs)
    scored: list[tuple[str, float]] = []
    if language == "zh":
        import jieba.analyse

        _posseg()  # jieba's dictionary and log level first
        for word, weight in jieba.analyse.extract_tags(
            text, topK=limit * 4, withWeight=True, allowPOS=_TERM_POS
        ):
            if len(word) < 2 or word in _GENERIC_TERMS or word.isdigit():
                continue
            if any(word in t or t in word for t in taken):
                continue
            scored.append((word, float(weight)))
    else:
        counts: Counter[str] = Counter()
        for phrase in _english_candidates(text):
            if any(w.lower() in _EN_WEAK for w in phrase) or all(w[0].isupper() for w in phrase):
                continue  # a run of capitals is a name, not a technology
            counts[" ".join(phrase).lower()] += 1
        for words, count in counts.items():
            if words in _EN_GENERIC or len(words) < 4 or any(words in t.lower() for t in taken):
                continue
            if count >= 2:
                scored.append((words, count * (1 + 0.5 * words.count(" "))))
        # A phrase inside a longer one that scores as well says less.
        scored = [
            (p, w)
            for p, w in scored
            if not any(p != q and p in q and v >= w * 0.5 for q, v in scored)
        ]
    scored.sort(key=lambda kv: -kv[1])
    out: list[Mention] = []
    for word, weight in scored[:limit]:
        m = Mention("term", word, weight=round(weight, 4))
        pattern = re.compile(re.escape(word), re.I)
        for n, para in enumerate(paragraphs, 1):
            hits = len(pattern.findall(para))
            if hits:
                m.count += hits
                m.paragraphs.append(n)
        if m.paragraphs:
            out.append(m)
    return out


def extract(
    paragraphs: Sequence[str],
    *,
    places: Sequence[Place] = (),
    language: str | None = None,
    terms: int = 8,
) -> Mentions:
    """The organisations, places and terms these paragraphs name, most mentioned first."""
    language = language or detect_language("\n".join(paragraphs[:20]))
    orgs: dict[str, Mention] = {}
    by_paragraph: dict[int, list[str]] = {}
    for n, text in enumerate(paragraphs, 1):
        names = _chinese_organisations(text) if re.search(r"[\u4e00-\u9fff]", text) else []
        by_paragraph[n] = names + _english_organisations(text)
        for name in by_paragraph[n]:
            _add(orgs, "organisation", name, n)
    place_list = _places(paragraphs, tuple(places), by_paragraph)
    organisations = sorted(orgs.values(), key=lambda m: (-m.count, m.paragraphs[0]))
    taken = [m.text for m in organisations] + [m.text for m in place_list]
    return Mentions(organisations, place_list, _terms(paragraphs, language, taken, terms))
