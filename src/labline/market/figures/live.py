"""The market's live-figures provider for the indicators: the deal figures and the money
after signing, as one provider (the module record holds one)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from labline.market.figures import capital, service


def by_region(
    session: Session, *, start: date | datetime, end: date | datetime
) -> list[tuple[str, str, float]]:
    return [
        *service.by_region(session, start=start, end=end),
        *capital.by_region(session, start=start, end=end),
    ]
