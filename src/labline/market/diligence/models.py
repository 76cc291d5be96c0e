"""A licence's diligence checklist: each obligation (first patient dosed within 24 months, a
progress report every half year), when it is due, and the evidence that it was met."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from labline.db import Base, Timestamped


class DiligenceItem(Timestamped, Base):
    __tablename__ = "market_licence_diligence"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("market_contracts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    obligation: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_market_licence_diligence_contract", "contract_id"),)
