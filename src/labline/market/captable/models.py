"""A company's cap table: its stakeholders, stock classes and stock issuances (the OCF subset).

The issuer is an organisation of the directory (a spin-off, say). Identifiers are the OCF
object ids, unique within an issuer's table, so an exported package imports back unchanged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labline.db import Base, Timestamped

SHARES = Numeric(26, 10)


class CapStakeholder(Timestamped, Base):
    __tablename__ = "market_cap_stakeholders"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    ocf_id: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str] = mapped_column(String(200))
    stakeholder_type: Mapped[str] = mapped_column(String(12))  # INDIVIDUAL | INSTITUTION
    relationship: Mapped[str | None] = mapped_column(String(20))
    # The organisation of the directory this stakeholder is, when it is one (an investor).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )

    __table_args__ = (
        UniqueConstraint("issuer_id", "ocf_id", name="uq_market_cap_stakeholders_ocf"),
        CheckConstraint(
            "stakeholder_type IN ('INDIVIDUAL', 'INSTITUTION')", name="stakeholder_type_known"
        ),
    )


class CapStockClass(Timestamped, Base):
    __tablename__ = "market_cap_stock_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    ocf_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    class_type: Mapped[str] = mapped_column(String(10))  # COMMON | PREFERRED
    default_id_prefix: Mapped[str] = mapped_column(String(200))
    # A decimal, or UNLIMITED / NOT APPLICABLE, as OCF writes it.
    authorized: Mapped[str] = mapped_column(String(40))
    votes_per_share: Mapped[Decimal] = mapped_column(SHARES)
    seniority: Mapped[Decimal] = mapped_column(SHARES)
    price_per_share: Mapped[Decimal | None] = mapped_column(SHARES)
    currency: Mapped[str | None] = mapped_column(String(3))
    liquidation_preference_multiple: Mapped[Decimal | None] = mapped_column(SHARES)

    __table_args__ = (
        UniqueConstraint("issuer_id", "ocf_id", name="uq_market_cap_stock_classes_ocf"),
        CheckConstraint("class_type IN ('COMMON', 'PREFERRED')", name="class_type_known"),
    )


class CapIssuance(Timestamped, Base):
    """A stock issuance (OCF `TX_STOCK_ISSUANCE`); with a deal when it closed an equity deal,
    and the issuer's team it funds when it names one."""

    __tablename__ = "market_cap_issuances"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    ocf_id: Mapped[str] = mapped_column(String(200))
    security_id: Mapped[str] = mapped_column(String(200))
    custom_id: Mapped[str] = mapped_column(String(200))
    stakeholder_id: Mapped[int] = mapped_column(
        ForeignKey("market_cap_stakeholders.id", ondelete="CASCADE"), index=True
    )
    stock_class_id: Mapped[int] = mapped_column(
        ForeignKey("market_cap_stock_classes.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[Decimal] = mapped_column(SHARES)
    share_price: Mapped[Decimal] = mapped_column(SHARES)
    currency: Mapped[str] = mapped_column(String(3))
    issued_on: Mapped[date] = mapped_column(Date)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("market_deals.id", ondelete="SET NULL"))
    # The company's team the money funds, when the issuance names one.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))

    stakeholder: Mapped[CapStakeholder] = relationship()
    stock_class: Mapped[CapStockClass] = relationship()

    __table_args__ = (
        UniqueConstraint("issuer_id", "ocf_id", name="uq_market_cap_issuances_ocf"),
        UniqueConstraint("issuer_id", "security_id", name="uq_market_cap_issuances_security"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("share_price >= 0", name="share_price_not_negative"),
    )
