"""The demo market's deals: interest on matching topics moved through the stages, with
messages, contracts, NDA grants and suggestion feedback."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import clock
from labline.market.demo.topics import DAYS, START

CONTRACT_KINDS = [
    ("development", 35),
    ("transfer", 20),
    ("licence", 25),
    ("consulting", 8),
    ("service", 12),
]


DISMISS = [
    "领域不符",
    "成熟度不够",
    "价格过高",
    "wrong field",
    "not mature enough",
    "already solved",
]


def make_deals(
    rng: random.Random,
    needs: list[dict[str, Any]],
    achievements: list[dict[str, Any]],
    all_topics: list[tuple[dict[str, Any], str, str]],
) -> tuple[list[dict[str, Any]], ...]:
    """Deals (with messages, contracts and suggestion feedback) mostly between true matches."""

    def topic(field: str) -> int:
        return next(i for i, (_s, zh, en) in enumerate(all_topics) if field in (zh, en))

    live = [a for a in achievements if a["state"] == "published"]
    by_topic: dict[int, list[dict[str, Any]]] = {}
    for a in live:
        by_topic.setdefault(topic(a["field"]), []).append(a)
    open_needs = [n for n in needs if n["state"] == "published"]
    rng.shuffle(open_needs)
    deals: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    contracts: list[dict[str, Any]] = []
    feedback: list[dict[str, Any]] = []
    n_deals = max(8, len(open_needs) // 3)
    end = START + timedelta(days=DAYS)
    for need in open_needs:
        candidates = [
            a
            for a in by_topic.get(topic(need["field"]), [])
            if a["organisation_id"] != need["organisation_id"]
        ]
        # What the enterprise did with its suggestions: mostly right, sometimes not.
        for a in candidates[:2]:
            action = rng.choices(["accept", "contact", "dismiss"], [50, 30, 20])[0]
            feedback.append(_feedback(len(feedback) + 1, need, a, action, rng, end))
        wrong = rng.choice(live)
        if topic(wrong["field"]) != topic(need["field"]) and rng.random() < 0.5:
            feedback.append(_feedback(len(feedback) + 1, need, wrong, "dismiss", rng, end))
        if len(deals) >= n_deals or not candidates:
            continue
        a = rng.choice(candidates)
        opened = max(need["published_at"], a["published_at"]) + timedelta(days=rng.randrange(3, 40))
        if opened >= end - timedelta(days=5):
            continue
        state = rng.choices(
            ["signed", "delivered", "negotiating", "interest", "abandoned"], [40, 12, 22, 12, 14]
        )[0]
        deal_id = len(deals) + 1
        deals.append(
            {
                "id": deal_id,
                "need_id": need["id"],
                "achievement_id": a["id"],
                "buyer_id": need["organisation_id"],
                "seller_id": a["organisation_id"],
                "opened_by_id": None,
                "state": state,
                "note": "",
                "abandon_reason": rng.choice(["价格未谈拢", "timeline too long"])
                if state == "abandoned"
                else "",
                "created_at": opened,
                "updated_at": opened,
            }
        )
        for k in range(rng.randrange(1, 4)):
            messages.append(
                {
                    "id": len(messages) + 1,
                    "deal_id": deal_id,
                    "person_id": None,
                    "body": rng.choice(
                        [
                            "希望安排技术交流",
                            "Could you share pilot data?",
                            "报价可以再商量",
                            "We propose a licence",
                        ]
                    ),
                    "proposed_amount": None,
                    "proposed_terms": "",
                    "created_at": opened + timedelta(days=k + 1),
                    "updated_at": opened + timedelta(days=k + 1),
                }
            )
        if state == "negotiating":
            need["state"], a["state"] = "negotiating", "negotiating"
        if state in ("signed", "delivered"):
            signed = min(opened + timedelta(days=rng.randrange(20, 120)), end - timedelta(days=1))
            kind = rng.choices([k for k, _ in CONTRACT_KINDS], [w for _k, w in CONTRACT_KINDS])[0]
            amount = Decimal(round(10 ** rng.uniform(4.7, 6.7), -3))
            contracts.append(
                {
                    "id": len(contracts) + 1,
                    "deal_id": deal_id,
                    "kind": kind,
                    "amount": amount,
                    "currency": "CNY",
                    "amount_cny": amount,
                    "signed_on": signed.date(),
                    "registration_no": f"{signed.year}{a['region_code'] or '000000'}{deal_id:06d}",
                    "buyer_id": need["organisation_id"],
                    "seller_id": a["organisation_id"],
                    "region_code": a["region_code"],
                    "created_at": signed,
                    "updated_at": signed,
                }
            )
            need["state"], need["close_reason"], need["closed_at"] = "closed", "solved", signed
    return deals, messages, contracts, feedback


# stage -> the default days to its next step (as in market/deals/service/deadlines.py)
DUE = {"interest": 14, "introduction": 21, "nda": 14, "negotiating": 90, "signed": 180}


def move_to_stages(
    rng: random.Random,
    deals: list[dict[str, Any]],
    needs: list[dict[str, Any]],
    achievements: list[dict[str, Any]],
) -> None:
    """Spread the deals over the stages, with due days relative to the clock's today."""
    """Spread the open deals over the pipeline's stages (introduction, nda) and give each
    stage's dates: who was introduced when, when each side accepted the NDA, and when the
    next step is due. Due days count from the day the demo is built, so that a few deals are
    always overdue and the rest due in the coming weeks. A separate random stream, so the
    rest of the market stays as it was."""
    today = clock.today()
    order = ["interest", "introduction", "nda", "negotiating", "signed", "delivered"]
    for deal in deals:
        state = deal["state"]
        if state == "interest":
            state = rng.choice(["interest", "introduction", "introduction", "nda"])
        elif state == "negotiating" and rng.random() < 0.4:
            state = rng.choice(["introduction", "nda"])
        deal["state"] = state
        opened: datetime = deal["created_at"]
        reached = order.index(state) if state in order else rng.randrange(0, 4)
        introduced = opened + timedelta(days=rng.randrange(2, 12)) if reached >= 1 else None
        buyer_nda = seller_nda = None
        if introduced is not None and reached >= 2:
            buyer_nda = introduced + timedelta(days=rng.randrange(1, 8))
            seller_nda = introduced + timedelta(days=rng.randrange(1, 8))
        elif introduced is not None and rng.random() < 0.5:
            buyer_nda = introduced + timedelta(days=rng.randrange(1, 8))  # one side so far
        due = None
        if state in DUE:
            late = rng.random() < 0.2
            due = (
                today - timedelta(days=rng.randrange(2, 30))
                if late
                else today + timedelta(days=rng.randrange(3, DUE[state] + 1))
            )
        deal.update(
            {
                "introduced_by_id": None,
                "introduced_at": introduced,
                "buyer_nda_by_id": None,
                "buyer_nda_at": buyer_nda,
                "seller_nda_by_id": None,
                "seller_nda_at": seller_nda,
                "due_on": due,
                "updated_at": max(x for x in (opened, introduced, buyer_nda, seller_nda) if x),
            }
        )
    # Records are negotiating only while one of their deals is (not yet, in introduction/nda).
    negotiating = [d for d in deals if d["state"] == "negotiating"]
    needs_on = {d["need_id"] for d in negotiating}
    achievements_on = {d["achievement_id"] for d in negotiating}
    for records, on in ((needs, needs_on), (achievements, achievements_on)):
        for record in records:
            if record["state"] == "negotiating" and record["id"] not in on:
                record["state"] = "published"


def sign_messages(
    session: Session, deals: list[dict[str, Any]], messages: list[dict[str, Any]]
) -> None:
    """Each message is written by someone of a side: the buyer's people and the seller's take
    turns, starting with the buyer (whose need it is); a side without people stays unsigned."""
    from labline.core.models import Membership

    people: dict[int, int] = {}
    for person_id, org_id in session.execute(
        select(Membership.person_id, Membership.organisation_id).order_by(Membership.id)
    ):
        people.setdefault(org_id, person_id)
    by_id = {d["id"]: d for d in deals}
    turn: dict[int, int] = {}
    for m in messages:
        deal = by_id[m["deal_id"]]
        k = turn[m["deal_id"]] = turn.get(m["deal_id"], -1) + 1
        side = deal["buyer_id"] if k % 2 == 0 else deal["seller_id"]
        m["person_id"] = people.get(side)


def nda_grants(session: Session, deals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Under a deal's NDA each side's people read the other side's record details."""
    from labline.core.models import Membership

    people: dict[int, list[int]] = {}
    for person_id, org_id in session.execute(
        select(Membership.person_id, Membership.organisation_id)
    ):
        people.setdefault(org_id, []).append(person_id)
    grants: dict[tuple[str, int, int], dict[str, Any]] = {}
    for deal in deals:
        if deal["state"] != "nda":
            continue
        at = max(deal["buyer_nda_at"], deal["seller_nda_at"])
        for org_id, kind, record_id in (
            (deal["buyer_id"], "achievement", deal["achievement_id"]),
            (deal["seller_id"], "need", deal["need_id"]),
        ):
            for person_id in people.get(org_id, []):
                grants.setdefault(
                    (kind, record_id, person_id),
                    {
                        "id": len(grants) + 1,
                        "record_kind": kind,
                        "record_id": record_id,
                        "person_id": person_id,
                        "status": "admitted",
                        "nda_accepted_at": at,
                        "decided_by_id": None,
                        "created_at": at,
                        "updated_at": at,
                    },
                )
    return list(grants.values())


def _feedback(
    fid: int,
    need: dict[str, Any],
    a: dict[str, Any],
    action: str,
    rng: random.Random,
    end: datetime,
) -> dict[str, Any]:
    at = max(need["published_at"], a["published_at"]) + timedelta(days=rng.randrange(1, 20))
    at = min(at, end - timedelta(hours=1))
    return {
        "id": fid,
        "need_id": need["id"],
        "achievement_id": a["id"],
        "person_id": None,
        "side": "need",
        "action": action,
        "reason": rng.choice(DISMISS) if action == "dismiss" else "",
        "rank": rng.randrange(1, 6),
        "score": None,
        "created_at": at,
        "updated_at": at,
    }
