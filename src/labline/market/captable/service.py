"""A company's cap table, and the equity deals that add to it.

The cap table is the issuer's confidential business, like a deal's confidential terms: the
issuer's own people and the platform's operators read it; nobody else learns it exists.
The issuer's admins and operators change it, by an equity issuance or by importing an Open
Cap Table Format package, which replaces the table whole or, on any problem, changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core import audit
from labline.core.access import Actor, can_manage_org, require_signed_in
from labline.core.models import Organisation, Team
from labline.errors import FieldError, InvalidInput, NotFound, NotPermitted
from labline.market.captable.models import CapIssuance, CapStakeholder, CapStockClass
from labline.market.captable.schemas import (
    CapTableRead,
    ClassRow,
    HolderRow,
    ImportRead,
    IssuanceCreate,
    IssuanceRow,
    TeamOption,
)
from labline.market.deals.schemas import CURRENCIES as CNY_RATES
from labline.market.engine import ocf
from labline.market.models import Deal, DealState

CLOSED = (DealState.signed, DealState.delivered)


def can_read(actor: Actor, issuer_id: int) -> bool:
    return actor.is_operator or issuer_id in actor.org_roles


def _issuer(session: Session, actor: Actor, issuer_id: int, *, write: bool = False) -> Organisation:
    require_signed_in(actor)
    org = session.get(Organisation, issuer_id)
    if org is None or not can_read(actor, issuer_id):
        raise NotFound(f"There is no cap table of yours for {issuer_id}.", issuer_id=issuer_id)
    if write and not can_manage_org(actor, issuer_id):
        raise NotPermitted("Only the company's admins and operators change its cap table.")
    return org


def require_editor(session: Session, *, actor: Actor, issuer_id: int) -> None:
    """Refuse (404 or 403) anyone who may not change this company's cap table."""
    _issuer(session, actor, issuer_id, write=True)


def _rows(session: Session, model: Any, issuer_id: int) -> list[Any]:
    return list(
        session.scalars(select(model).where(model.issuer_id == issuer_id).order_by(model.id))
    )


# The one mapping between the tables and OCF's objects, read both ways: (column, OCF field).
# A row's ocf_id is its OCF object's id; references between objects are mapped apart.
STAKEHOLDER_FIELDS = (
    ("ocf_id", "id"),
    ("legal_name", "legal_name"),
    ("stakeholder_type", "stakeholder_type"),
    ("relationship", "relationship"),
)
CLASS_FIELDS = (
    ("ocf_id", "id"),
    ("name", "name"),
    ("class_type", "class_type"),
    ("default_id_prefix", "default_id_prefix"),
    ("authorized", "authorized"),
    ("votes_per_share", "votes_per_share"),
    ("seniority", "seniority"),
    ("price_per_share", "price_per_share"),
    ("currency", "currency"),
    ("liquidation_preference_multiple", "liquidation_preference_multiple"),
)
ISSUANCE_FIELDS = (
    ("ocf_id", "id"),
    ("security_id", "security_id"),
    ("custom_id", "custom_id"),
    ("quantity", "quantity"),
    ("share_price", "share_price"),
    ("currency", "currency"),
    ("issued_on", "date"),
)


def _to_ocf(row: Any, fields: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {name: getattr(row, column) for column, name in fields}


def _from_ocf(item: Any, fields: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {column: getattr(item, name) for column, name in fields}


def _package(session: Session, org: Organisation) -> ocf.Package:
    holders = {s.id: s for s in _rows(session, CapStakeholder, org.id)}
    classes = {c.id: c for c in _rows(session, CapStockClass, org.id)}
    return ocf.Package(
        issuer_name=org.name_en or org.name_zh,
        as_of=clock.today(),
        stakeholders=[
            ocf.Stakeholder(
                **_to_ocf(s, STAKEHOLDER_FIELDS), links=_links(organisation=s.organisation_id)
            )
            for s in holders.values()
        ],
        stock_classes=[ocf.StockClass(**_to_ocf(c, CLASS_FIELDS)) for c in classes.values()],
        issuances=[
            ocf.Issuance(
                **_to_ocf(i, ISSUANCE_FIELDS),
                stakeholder_id=holders[i.stakeholder_id].ocf_id,
                stock_class_id=classes[i.stock_class_id].ocf_id,
                links=_links(deal=i.deal_id, team=i.team_id),
            )
            for i in _rows(session, CapIssuance, org.id)
        ],
    )


def _links(**ids: int | None) -> dict[str, int]:
    return {k: v for k, v in ids.items() if v is not None}


def _teams(session: Session, org_id: int) -> dict[int, Team]:
    return {
        t.id: t
        for t in session.scalars(
            select(Team).where(Team.organisation_id == org_id).order_by(Team.id)
        )
    }


def cap_table(session: Session, *, actor: Actor, issuer_id: int) -> CapTableRead:
    """Who holds what: shares per class, percentages of the shares issued, votes, money in."""
    org = _issuer(session, actor, issuer_id)
    package = _package(session, org)
    classes = {c.id: c for c in package.stock_classes}
    total = sum((i.quantity for i in package.issuances), Decimal(0))
    rows: dict[str, dict[str, Any]] = {}
    for s in package.stakeholders:
        rows[s.id] = {"shares": {}, "total": Decimal(0), "votes": Decimal(0), "cny": Decimal(0)}
    issued: dict[str, Decimal] = {}
    for i in package.issuances:
        row = rows[i.stakeholder_id]
        row["shares"][i.stock_class_id] = row["shares"].get(i.stock_class_id, 0) + i.quantity
        row["total"] += i.quantity
        row["votes"] += i.quantity * classes[i.stock_class_id].votes_per_share
        row["cny"] += i.quantity * i.share_price * CNY_RATES[i.currency]
        issued[i.stock_class_id] = issued.get(i.stock_class_id, Decimal(0)) + i.quantity
    holders = [
        HolderRow(
            stakeholder_id=s.id,
            legal_name=s.legal_name,
            stakeholder_type=s.stakeholder_type,
            relationship=s.relationship,
            organisation_id=s.links.get("organisation"),
            shares=rows[s.id]["shares"],
            total=rows[s.id]["total"],
            percent=(rows[s.id]["total"] * 100 / total).quantize(Decimal("0.01"))
            if total
            else Decimal(0),
            votes=rows[s.id]["votes"],
            invested_cny=rows[s.id]["cny"].quantize(Decimal("0.01")),
        )
        for s in package.stakeholders
    ]
    holders.sort(key=lambda h: (-h.total, h.stakeholder_id))
    return CapTableRead(
        issuer_id=org.id,
        issuer_name=package.issuer_name,
        issuer_name_zh=org.name_zh,
        issuer_name_en=org.name_en,
        classes=[
            ClassRow(
                id=c.id,
                name=c.name,
                class_type=c.class_type,
                authorized=c.authorized,
                issued=issued.get(c.id, Decimal(0)),
                votes_per_share=c.votes_per_share,
                seniority=c.seniority,
                price_per_share=c.price_per_share,
                currency=c.currency,
                liquidation_preference_multiple=c.liquidation_preference_multiple,
            )
            for c in package.stock_classes
        ],
        holders=holders,
        issuances=[
            IssuanceRow(
                id=i.id,
                security_id=i.security_id,
                custom_id=i.custom_id,
                stakeholder_id=i.stakeholder_id,
                stock_class_id=i.stock_class_id,
                quantity=i.quantity,
                share_price=i.share_price,
                currency=i.currency,
                issued_on=i.date,
                deal_id=i.links.get("deal"),
                team_id=i.links.get("team"),
            )
            for i in package.issuances
        ],
        teams=[
            TeamOption(id=t.id, name_zh=t.name_zh, name_en=t.name_en)
            for t in _teams(session, org.id).values()
        ],
        total_shares=total,
        total_invested_cny=sum((h.invested_cny for h in holders), Decimal(0)),
        can_edit=can_manage_org(actor, org.id),
    )


def export_ocf(session: Session, *, actor: Actor, issuer_id: int) -> dict[str, Any]:
    """The cap table as an Open Cap Table Format package (one JSON object of OCF files)."""
    org = _issuer(session, actor, issuer_id)
    return ocf.write(
        _package(session, org),
        issuer_id=f"labline-org-{org.id}",
        generated_at=clock.now().isoformat(),
    )


def _deal_problem(session: Session, org: Organisation, deal_id: int) -> tuple[str, Any] | None:
    """Why this deal cannot be an issuance's (message, allowed), or None."""
    deal = session.get(Deal, deal_id)
    if deal is None or org.id not in (deal.buyer_id, deal.seller_id):
        return f"deal {deal_id} is not a deal of this company", None
    if deal.state not in CLOSED:
        return f"deal {deal_id} is {deal.state.value}, not signed", [s.value for s in CLOSED]
    return None


def _team_problem(session: Session, org: Organisation, team_id: int) -> tuple[str, Any] | None:
    teams = _teams(session, org.id)
    if team_id not in teams:
        return f"team {team_id} is not a team of this company", sorted(teams)
    return None


def import_ocf(session: Session, *, actor: Actor, issuer_id: int, package: Any) -> ImportRead:
    """Replace the issuer's cap table by an OCF package: all of it, or nothing and every
    problem by field. labline's links (a stakeholder's organisation, an issuance's deal and
    team) come from the package's `labline:` comments, checked; an object without them keeps
    the links its OCF id had in the table replaced."""
    org = _issuer(session, actor, issuer_id, write=True)
    read, problems = ocf.read(package, currencies=tuple(CNY_RATES))
    if read is not None:
        for s in read.stakeholders:
            linked = s.links.get("organisation")
            if linked is not None and session.get(Organisation, linked) is None:
                problems.append((f"{s.at}.comments", f"no organisation {linked}", None))
        for i in read.issuances:
            for key, check in (("deal", _deal_problem), ("team", _team_problem)):
                if key in i.links and (found := check(session, org, i.links[key])) is not None:
                    problems.append((f"{i.at}.comments", *found))
    if read is None or problems:
        raise InvalidInput(
            f"The OCF package has {len(problems)} problem(s); nothing was imported.",
            fields=[FieldError(f, m, a) for f, m, a in problems[:200]],
        )
    orgs = {s.ocf_id: s.organisation_id for s in _rows(session, CapStakeholder, org.id)}
    kept = {i.ocf_id: i for i in _rows(session, CapIssuance, org.id)}
    before = {i.ocf_id: _links(deal=i.deal_id, team=i.team_id) for i in kept.values()}
    for model in (CapIssuance, CapStakeholder, CapStockClass):
        session.execute(delete(model).where(model.issuer_id == org.id))
    holders = {
        s.id: CapStakeholder(
            issuer_id=org.id,
            organisation_id=s.links["organisation"] if s.links else orgs.get(s.id),
            **_from_ocf(s, STAKEHOLDER_FIELDS),
        )
        for s in read.stakeholders
    }
    classes = {
        c.id: CapStockClass(issuer_id=org.id, **_from_ocf(c, CLASS_FIELDS))
        for c in read.stock_classes
    }
    session.add_all([*holders.values(), *classes.values()])
    session.flush()
    for i in read.issuances:
        links = i.links or before.get(i.id, {})
        session.add(
            CapIssuance(
                issuer_id=org.id,
                stakeholder_id=holders[i.stakeholder_id].id,
                stock_class_id=classes[i.stock_class_id].id,
                deal_id=links.get("deal"),
                team_id=links.get("team"),
                **_from_ocf(i, ISSUANCE_FIELDS),
            )
        )
    session.flush()
    counts = ImportRead(
        issuer_id=org.id,
        stakeholders=len(holders),
        stock_classes=len(classes),
        issuances=len(read.issuances),
    )
    audit.record(
        session,
        action="market.captable.import",
        entity_type="organisations",
        entity_id=org.id,
        after=counts.model_dump(),
    )
    return counts


def _deal(session: Session, org: Organisation, deal_id: int) -> Deal:
    problem = _deal_problem(session, org, deal_id)
    if problem is not None:
        raise InvalidInput(
            "Shares are issued for a signed equity deal of this company.",
            fields=[FieldError("deal_id", *problem)],
        )
    deal = session.get(Deal, deal_id)
    assert deal is not None
    return deal


def _free_id(taken: set[str], prefix: str) -> str:
    n = len(taken) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def issue(session: Session, *, actor: Actor, issuer_id: int, data: IssuanceCreate) -> IssuanceRow:
    """Shares issued to an investor (or founder): the equity side of a deal, on the table."""
    org = _issuer(session, actor, issuer_id, write=True)
    latest = clock.latest_today()
    if data.issued_on > latest:
        raise InvalidInput(
            "Shares cannot be issued in the future.",
            fields=[FieldError("issued_on", "after today", {"le": latest.isoformat()})],
        )
    classes = {c.ocf_id: c for c in _rows(session, CapStockClass, org.id)}
    stock_class = classes.get(data.stock_class_id)
    if stock_class is None:
        raise InvalidInput(
            f"There is no stock class {data.stock_class_id!r} on this cap table.",
            fields=[FieldError("stock_class_id", "unknown stock class", sorted(classes))],
        )
    holders = {s.ocf_id: s for s in _rows(session, CapStakeholder, org.id)}
    deal = _deal(session, org, data.deal_id) if data.deal_id is not None else None
    if data.team_id is not None and (found := _team_problem(session, org, data.team_id)):
        raise InvalidInput(
            "The team an issuance funds must be one of the company's teams.",
            fields=[FieldError("team_id", *found)],
        )
    if data.stakeholder_id is not None:
        holder = holders.get(data.stakeholder_id)
        if holder is None:
            raise InvalidInput(
                f"There is no stakeholder {data.stakeholder_id!r} on this cap table.",
                fields=[FieldError("stakeholder_id", "unknown stakeholder", sorted(holders)[:50])],
            )
    else:
        new = data.new_stakeholder
        assert new is not None
        linked = new.organisation_id
        if linked is None and deal is not None:
            linked = deal.buyer_id if deal.seller_id == org.id else deal.seller_id
        if linked is not None and session.get(Organisation, linked) is None:
            raise InvalidInput(
                f"There is no organisation {linked}.",
                fields=[FieldError("new_stakeholder.organisation_id", "unknown organisation")],
            )
        holder = CapStakeholder(
            issuer_id=org.id,
            ocf_id=_free_id(set(holders), "sh-"),
            legal_name=new.legal_name,
            stakeholder_type=new.stakeholder_type,
            relationship=new.relationship,
            organisation_id=linked,
        )
        session.add(holder)
        session.flush()
    issued = _rows(session, CapIssuance, org.id)
    if stock_class.authorized not in ocf.AUTHORIZED_WORDS:
        already = sum(
            (i.quantity for i in issued if i.stock_class_id == stock_class.id), Decimal(0)
        )
        room = Decimal(stock_class.authorized) - already
        if data.quantity > room:
            raise InvalidInput(
                f"Only {room} shares of {stock_class.name} remain authorized.",
                fields=[
                    FieldError("quantity", "more than the shares authorized", {"le": str(room)})
                ],
            )
    securities = {i.security_id for i in issued}
    issuance = CapIssuance(
        issuer_id=org.id,
        ocf_id=_free_id({i.ocf_id for i in issued}, "tx-"),
        security_id=_free_id(securities, "sec-"),
        custom_id=_free_id({i.custom_id for i in issued}, stock_class.default_id_prefix[:180]),
        stakeholder_id=holder.id,
        stock_class_id=stock_class.id,
        quantity=data.quantity,
        share_price=data.share_price,
        currency=data.currency,
        issued_on=data.issued_on,
        deal_id=deal.id if deal is not None else None,
        team_id=data.team_id,
    )
    session.add(issuance)
    session.flush()
    return IssuanceRow(
        id=issuance.ocf_id,
        security_id=issuance.security_id,
        custom_id=issuance.custom_id,
        stakeholder_id=holder.ocf_id,
        stock_class_id=stock_class.ocf_id,
        quantity=issuance.quantity,
        share_price=issuance.share_price,
        currency=issuance.currency,
        issued_on=issuance.issued_on,
        deal_id=issuance.deal_id,
        team_id=issuance.team_id,
    )
