"""A company's listing figures as entered, one row per entry: the history is kept and the
latest entry for the latest period is the one checked against the listing standards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from labline.db import Base, Timestamped

YUAN = Numeric(18, 2)


class ListingFiguresEntry(Timestamped, Base):
    """The figures of a company seeking the STAR Market, in yuan, for the financial years
    ending on `period_end` (the last year, and the three years up to it)."""

    __tablename__ = "market_listing_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    period_end: Mapped[date] = mapped_column(Date)
    market_value: Mapped[Decimal] = mapped_column(YUAN)
    revenue_last_year: Mapped[Decimal] = mapped_column(YUAN)
    revenue_last_3_years: Mapped[Decimal] = mapped_column(YUAN)
    rd_last_3_years: Mapped[Decimal] = mapped_column(YUAN)
    net_profit_last_year: Mapped[Decimal] = mapped_column(YUAN)
    net_profit_previous_year: Mapped[Decimal] = mapped_column(YUAN)
    operating_cash_flow_last_3_years: Mapped[Decimal] = mapped_column(YUAN)
    pharmaceutical: Mapped[bool] = mapped_column(Boolean, default=False)
    core_products_in_phase2: Mapped[int] = mapped_column(Integer, default=0)
    technology_advantage: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Who entered it as the audit trail names them (a person, or the command line).
    entered_by: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        CheckConstraint("market_value >= 0", name="market_value_not_negative"),
        CheckConstraint("core_products_in_phase2 >= 0", name="products_not_negative"),
    )
