"""Royalty reports, invoices and payments of a signed licence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labline.db import Base, Timestamped

INVOICE_KINDS = ("upfront", "milestone", "royalty")


class RoyaltyReport(Timestamped, Base):
    """The licensee's report for a period: net sales by product and territory."""

    __tablename__ = "market_royalty_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("market_contracts.id", ondelete="RESTRICT"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # [{"product", "territory", "net_sales"}], as reported.
    lines: Mapped[str] = mapped_column(Text)
    net_sales: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    royalty: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    minimum_applied: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    __table_args__ = (CheckConstraint("period_end >= period_start", name="period_ordered"),)


class LicenceInvoice(Timestamped, Base):
    __tablename__ = "market_licence_invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("market_contracts.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    # What the invoice is for: a milestone of the terms, or a royalty report.
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("market_licence_milestones.id", ondelete="RESTRICT"), unique=True
    )
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("market_royalty_reports.id", ondelete="RESTRICT"), unique=True
    )
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3))
    amount_cny: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)

    payments: Mapped[list[LicencePayment]] = relationship(order_by="LicencePayment.id")

    __table_args__ = (
        CheckConstraint("kind IN ('upfront', 'milestone', 'royalty')", name="kind_known"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class LicencePayment(Timestamped, Base):
    __tablename__ = "market_licence_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("market_licence_invoices.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3))
    received_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)
