"""An investor's profile and what it follows.

Investor is a role a person holds (`Role.investor`, a platform grant scoped to the fund or
company they invest for); the profile says which kind of investor they are for that
organisation and what they follow. One profile per person."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labline.db import Base, Timestamped

INVESTOR_KINDS = ("guidance_fund", "venture_fund", "corporate_venture")
FOLLOW_KINDS = ("field", "region", "project", "achievement", "team")


class Investor(Timestamped, Base):
    __tablename__ = "market_investors"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    # The fund or company the person invests for (the buying side of their introductions).
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    thesis: Mapped[str] = mapped_column(Text, default="")  # public: what it invests in

    follows: Mapped[list[InvestorFollow]] = relationship(
        order_by="InvestorFollow.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            "kind IN ('guidance_fund', 'venture_fund', 'corporate_venture')", name="kind_known"
        ),
    )


class InvestorFollow(Timestamped, Base):
    """A field (GB/T 4754 code or prefix), a region (GB/T 2260), a funded project, an
    achievement or a team the investor follows."""

    __tablename__ = "market_investor_follows"

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(
        ForeignKey("market_investors.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(12))

    __table_args__ = (
        UniqueConstraint("investor_id", "kind", "value", name="uq_market_investor_follows"),
        CheckConstraint(
            "kind IN ('field', 'region', 'project', 'achievement', 'team')", name="kind_known"
        ),
    )
