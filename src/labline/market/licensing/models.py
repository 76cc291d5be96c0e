"""Licence offers on a deal, with their royalty tiers and milestones."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labline.db import Base, Timestamped

EXCLUSIVITY = ("exclusive", "sole", "non_exclusive")
SIDES = ("buyer", "seller", "operator")


class LicenceOffer(Timestamped, Base):
    """One side's proposed licence terms on a deal (a deal may hold several to compare)."""

    __tablename__ = "market_licence_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("market_deals.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(120))
    proposed_by_side: Mapped[str] = mapped_column(String(8))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    field_of_use: Mapped[str] = mapped_column(Text, default="")
    territory: Mapped[str] = mapped_column(String(200), default="")
    exclusivity: Mapped[str] = mapped_column(String(16))
    term_years: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    upfront_cash: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))
    upfront_equity_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    minimum_annual_royalty: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    sublicence_share_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    patent_costs: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))
    diligence: Mapped[str] = mapped_column(Text, default="")
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("market_contracts.id", ondelete="SET NULL")
    )

    tiers: Mapped[list[RoyaltyTier]] = relationship(
        order_by="RoyaltyTier.position", cascade="all, delete-orphan"
    )
    milestones: Mapped[list[LicenceMilestone]] = relationship(
        order_by="LicenceMilestone.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            "exclusivity IN ('exclusive', 'sole', 'non_exclusive')", name="exclusivity_known"
        ),
        CheckConstraint("term_years BETWEEN 1 AND 50", name="term_in_range"),
        CheckConstraint(
            "upfront_cash >= 0 AND patent_costs >= 0 AND upfront_equity_percent BETWEEN 0 AND 100"
            " AND sublicence_share_percent BETWEEN 0 AND 100",
            name="amounts_in_range",
        ),
    )


class RoyaltyTier(Base):
    __tablename__ = "market_royalty_tiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("market_licence_offers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    from_sales: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    to_sales: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    rate_percent: Mapped[Decimal] = mapped_column(Numeric(6, 3))


class LicenceMilestone(Base):
    __tablename__ = "market_licence_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("market_licence_offers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    due_on: Mapped[date | None] = mapped_column(Date)
    trigger: Mapped[str] = mapped_column(String(200), default="")
    # The development stage the event belongs to (for the risk-adjusted value).
    stage: Mapped[str] = mapped_column(String(12), default="market")
