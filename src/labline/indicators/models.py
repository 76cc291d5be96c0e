"""Stored indicator panels: one row per indicator, region and year, and the imports behind them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from labline.db import Base, utcnow


class IndicatorImport(Base):
    """One imported file: what was read, stored and refused, and from where."""

    __tablename__ = "indicator_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300), default="")
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_stored: Mapped[int] = mapped_column(Integer, default=0)
    rows_refused: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    report: Mapped[str] = mapped_column(Text, default="{}")  # JSON: converted units, refusals


class IndicatorObservation(Base):
    """A value of an indicator for a region (GB/T 2260 code, or a country code) in a year.

    Panels are loaded in bulk; the audit trail records each import (with a digest of its
    rows) rather than every one of its thousands of values.
    """

    __tablename__ = "indicator_observations"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32), default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator_imports.id", ondelete="SET NULL")
    )

    __table_args__ = (
        UniqueConstraint("indicator_code", "region_code", "year"),
        Index("ix_indicator_observations_region", "region_code", "year"),
    )
