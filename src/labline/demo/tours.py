"""What a newcomer can try as each demo account: a few pages per role, printed by
`labline demo` (and so by `make demo`). tests/browser/test_demo_tours.py signs in as each
printed account and opens each printed page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stop:
    path: str
    what_en: str
    what_zh: str


# role -> the pages to open first, in the order a newcomer would; every role starts at the
# home page, which lists the work waiting on them.
TOURS: dict[str, tuple[Stop, ...]] = {
    "platform_operator": (
        Stop("/", "records to screen", "待审核的成果与需求"),
        Stop("/market/deals", "every deal by stage, as a board", "按阶段排列的全部交易看板"),
        Stop("/audit", "the audit trail", "审计记录"),
    ),
    "org_admin": (
        Stop("/", "deals waiting on your enterprise", "等待本企业处理的交易"),
        Stop("/market/new", "post a technology need", "发布技术需求"),
        Stop("/market/listing", "achievements and needs on the market", "市场上的成果与需求"),
    ),
    "member": (
        Stop("/", "your work", "我的待办"),
        Stop("/facilities", "book an instrument", "预约仪器"),
        Stop("/review", "funding calls to apply to", "可申报的项目指南"),
    ),
    "reviewer": (
        Stop("/", "reviews due", "待完成的评审"),
        Stop("/review", "the calls you review for", "参与评审的项目指南"),
    ),
    "committee_member": (
        Stop("/", "non-consensus dossiers before the committee", "提交委员会讨论的非共识项目"),
        Stop("/review", "calls and their rankings", "项目指南与排名"),
    ),
    "facility_manager": (
        Stop("/", "bookings and qualifications to approve", "待批准的预约与资质"),
        Stop("/facilities/cycles", "beamtime proposals to schedule", "待排期的机时申请"),
        Stop("/facilities/figures", "service hours and fees", "服务机时与收费"),
    ),
    "analyst": (
        Stop("/indicators", "indicator panels by province", "分省指标面板"),
        Stop("/indicators/live", "the platform's own figures, on a map", "平台自身数据与地图"),
        Stop("/search?q=钙钛矿", "one search over every kind of record", "跨全部记录的统一搜索"),
    ),
}


def tour_lines(role: str, base_url: str) -> list[str]:
    """The printed form: one line per page, under the account line of its role."""
    return [
        f"      try {base_url}{stop.path}  ({stop.what_en} / {stop.what_zh})"
        for stop in TOURS.get(role, ())
    ]
