"""Market tables: technology needs, achievements, who may read their details (after an
NDA), the suggestion feedback log, deals with their messages, and technology contracts.

A need or an achievement has a public face (title, summary, field, codes) that anyone
may read and that the search index holds, and confidential details that only its own
organisation, platform operators and the people its owner admitted may read.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labline import clock
from labline.core.models import Organisation, Person, _enum
from labline.db import Base, Timestamped


class State(enum.StrEnum):
    draft = "draft"
    screening = "screening"  # submitted; waiting for an operator
    returned = "returned"  # sent back by the operator, with reasons
    published = "published"
    negotiating = "negotiating"
    closed = "closed"


class CloseReason(enum.StrEnum):
    solved = "solved"
    withdrawn = "withdrawn"
    expired = "expired"


class Mode(enum.StrEnum):
    """Cooperation modes a need wants or an achievement offers."""

    transfer = "transfer"
    exclusive_licence = "exclusive_licence"
    nonexclusive_licence = "nonexclusive_licence"
    joint_development = "joint_development"
    commissioned_development = "commissioned_development"
    equity = "equity"


class AchievementKind(enum.StrEnum):
    invention_patent = "invention_patent"
    utility_model = "utility_model"
    software_copyright = "software_copyright"
    paper = "paper"
    prototype = "prototype"
    know_how = "know_how"
    new_variety = "new_variety"
    standard = "standard"


class AccessStatus(enum.StrEnum):
    requested = "requested"  # the requester accepted the NDA; waiting for the owner
    admitted = "admitted"
    refused = "refused"


class FeedbackAction(enum.StrEnum):
    accept = "accept"
    dismiss = "dismiss"
    contact = "contact"


class DealState(enum.StrEnum):
    """interest → introduction → nda → negotiating → signed → delivered (or abandoned)."""

    interest = "interest"  # one side expressed interest; the other has not answered
    introduction = "introduction"  # the other side or an operator introduced the two sides
    nda = "nda"  # both sides accepted the NDA: each reads the other's confidential details
    negotiating = "negotiating"
    signed = "signed"  # a technology contract was signed
    delivered = "delivered"
    abandoned = "abandoned"


class ContractKind(enum.StrEnum):
    """The national technology-contract registry's categories (licence is a kind of transfer),
    and `equity`: an investment contract (shares for money), which is not a technology
    contract and does not count in the technology-contract figures."""

    development = "development"
    transfer = "transfer"
    licence = "licence"
    consulting = "consulting"
    service = "service"
    equity = "equity"


TECHNOLOGY_KINDS = tuple(k for k in ContractKind if k != ContractKind.equity)


class TechnologyNeed(Timestamped, Base):
    __tablename__ = "market_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")  # public
    problem: Mapped[str] = mapped_column(Text, default="")  # confidential
    requirements: Mapped[str] = mapped_column(Text, default="")  # confidential, quantified
    field: Mapped[str] = mapped_column(String(200), default="")
    industry_code: Mapped[str] = mapped_column(String(4))
    region_code: Mapped[str | None] = mapped_column(String(6))
    budget_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    budget_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    deadline: Mapped[date | None] = mapped_column(Date)
    modes: Mapped[str] = mapped_column(String(200), default="")  # comma-separated Mode values
    min_readiness: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(2), default="zh")
    state: Mapped[State] = mapped_column(_enum(State, "market_state"), default=State.draft)
    screening_note: Mapped[str] = mapped_column(Text, default="")
    close_reason: Mapped[CloseReason | None] = mapped_column(
        _enum(CloseReason, "market_close_reason")
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        CheckConstraint(
            "budget_min IS NULL OR budget_max IS NULL OR budget_min <= budget_max",
            name="budget_order",
        ),
        CheckConstraint(
            "min_readiness IS NULL OR (min_readiness >= 1 AND min_readiness <= 9)",
            name="readiness_range",
        ),
        Index("ix_market_needs_state", "state", "published_at"),
        Index("ix_market_needs_organisation", "organisation_id"),
    )


class Achievement(Timestamped, Base):
    __tablename__ = "market_achievements"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[AchievementKind] = mapped_column(_enum(AchievementKind, "achievement_kind"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")  # public abstract
    details: Mapped[str] = mapped_column(Text, default="")  # confidential
    field: Mapped[str] = mapped_column(String(200), default="")
    industry_code: Mapped[str] = mapped_column(String(4))
    region_code: Mapped[str | None] = mapped_column(String(6))
    readiness: Mapped[int] = mapped_column(Integer)
    ip_status: Mapped[str] = mapped_column(String(60), default="")
    ip_numbers: Mapped[str] = mapped_column(String(300), default="")
    owners: Mapped[str] = mapped_column(String(300), default="")
    inventors: Mapped[str] = mapped_column(String(300), default="")
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    modes: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(2), default="zh")
    state: Mapped[State] = mapped_column(_enum(State, "market_state"), default=State.draft)
    screening_note: Mapped[str] = mapped_column(Text, default="")
    close_reason: Mapped[CloseReason | None] = mapped_column(
        _enum(CloseReason, "market_close_reason")
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        CheckConstraint("readiness >= 1 AND readiness <= 9", name="readiness_range"),
        CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        Index("ix_market_achievements_state", "state", "published_at"),
        Index("ix_market_achievements_organisation", "organisation_id"),
    )


class AccessGrant(Timestamped, Base):
    """A person asked to read a record's details, accepting its NDA; the owner decides."""

    __tablename__ = "market_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(12))  # need | achievement
    record_id: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[AccessStatus] = mapped_column(_enum(AccessStatus, "market_access_status"))
    nda_accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    __table_args__ = (
        UniqueConstraint("record_kind", "record_id", "person_id"),
        CheckConstraint("record_kind IN ('need', 'achievement')", name="record_kind"),
    )


class Feedback(Timestamped, Base):
    """What a user did with one suggestion: the log that measures matching quality."""

    __tablename__ = "market_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("market_needs.id", ondelete="CASCADE"))
    achievement_id: Mapped[int] = mapped_column(
        ForeignKey("market_achievements.id", ondelete="CASCADE")
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(12))  # need | achievement: whose list it was on
    action: Mapped[FeedbackAction] = mapped_column(_enum(FeedbackAction, "market_feedback"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    rank: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        CheckConstraint("side IN ('need', 'achievement')", name="feedback_side"),
        Index("ix_market_feedback_pair", "need_id", "achievement_id"),
    )


class Deal(Timestamped, Base):
    """A deal between a need's enterprise (the buyer) and an achievement's owner (the seller)."""

    __tablename__ = "market_deals"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("market_needs.id", ondelete="SET NULL"))
    achievement_id: Mapped[int] = mapped_column(
        ForeignKey("market_achievements.id", ondelete="RESTRICT")
    )
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    seller_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    state: Mapped[DealState] = mapped_column(
        _enum(DealState, "market_deal_state"), default=DealState.interest
    )
    note: Mapped[str] = mapped_column(Text, default="")
    abandon_reason: Mapped[str] = mapped_column(String(500), default="")
    introduced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    introduced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Each side's acceptance of the NDA (by one of its people, or recorded by an operator).
    buyer_nda_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    buyer_nda_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seller_nda_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    seller_nda_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the next step is due (NULL once the deal is over, and on deals older than deadlines).
    due_on: Mapped[date | None] = mapped_column(Date)

    achievement: Mapped[Achievement] = relationship()
    need: Mapped[TechnologyNeed | None] = relationship()
    buyer: Mapped[Organisation] = relationship(foreign_keys=[buyer_id])
    seller: Mapped[Organisation] = relationship(foreign_keys=[seller_id])
    introduced_by: Mapped[Person | None] = relationship(foreign_keys=[introduced_by_id])
    messages: Mapped[list[DealMessage]] = relationship(
        back_populates="deal", order_by="DealMessage.id"
    )
    contract: Mapped[Contract | None] = relationship(back_populates="deal")

    __table_args__ = (
        CheckConstraint("buyer_id <> seller_id", name="two_parties"),
        Index("ix_market_deals_buyer", "buyer_id"),
        Index("ix_market_deals_seller", "seller_id"),
        Index("ix_market_deals_due", "state", "due_on"),
    )

    @property
    def overdue(self) -> bool:
        """The next step is late: a due day before the platform's today on a deal not yet over."""

        return (
            self.due_on is not None
            and self.state not in (DealState.delivered, DealState.abandoned)
            and self.due_on < clock.today()
        )


class DealMessage(Timestamped, Base):
    __tablename__ = "market_deal_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("market_deals.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    proposed_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    proposed_terms: Mapped[str] = mapped_column(Text, default="")

    deal: Mapped[Deal] = relationship(back_populates="messages")

    __table_args__ = (Index("ix_market_deal_messages_deal", "deal_id"),)


class Contract(Timestamped, Base):
    """A signed technology contract; amounts are kept as signed and in yuan."""

    __tablename__ = "market_contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(
        ForeignKey("market_deals.id", ondelete="RESTRICT"), unique=True
    )
    kind: Mapped[ContractKind] = mapped_column(_enum(ContractKind, "market_contract_kind"))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    amount_cny: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    signed_on: Mapped[date] = mapped_column(Date)
    registration_no: Mapped[str] = mapped_column(String(40), unique=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    seller_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    # The seller's region: registries count technology contracts where they are sold.
    region_code: Mapped[str | None] = mapped_column(String(6))

    deal: Mapped[Deal] = relationship(back_populates="contract")

    __table_args__ = (
        CheckConstraint("amount >= 0 AND amount_cny >= 0", name="amount_not_negative"),
        Index("ix_market_contracts_signed", "signed_on"),
    )


class Watch(Timestamped, Base):
    """A saved search, a subscription to a need, or to a field: what its owner wants to hear
    about when new records are published."""

    __tablename__ = "market_watches"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # search | need | field
    record_kind: Mapped[str] = mapped_column(String(12))  # need | achievement: what is watched
    query: Mapped[str] = mapped_column(String(500), default="")
    need_id: Mapped[int | None] = mapped_column(ForeignKey("market_needs.id", ondelete="CASCADE"))
    industry_code: Mapped[str | None] = mapped_column(String(4))
    field: Mapped[str] = mapped_column(String(200), default="")
    region_code: Mapped[str | None] = mapped_column(String(6))
    min_readiness: Mapped[int | None] = mapped_column(Integer)
    # Records published after this moment are news for the watch.
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_market_watches_person", "person_id"),)


class InboxItem(Base):
    """A record a watch found, waiting in its owner's inbox."""

    __tablename__ = "market_inbox"
    __audited__ = False  # derived from watches and records, rebuilt by any sweep

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    watch_id: Mapped[int] = mapped_column(ForeignKey("market_watches.id", ondelete="CASCADE"))
    record_kind: Mapped[str] = mapped_column(String(12))
    record_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("watch_id", "record_kind", "record_id"),
        Index("ix_market_inbox_person", "person_id", "read_at"),
    )
