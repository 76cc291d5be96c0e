"""What the mail outbox shows."""

from __future__ import annotations

from datetime import datetime

from labline.schemas import Output


class OutboxMailRead(Output):
    id: int
    key: str
    kind: str
    person_id: int | None
    to_address: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str
