"""Diligence checklist input and output."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from labline.schemas import Output, StrictInput


class DiligenceCreate(StrictInput):
    """An obligation of the licence, with the day it is due (within the licence term)."""

    model_config = ConfigDict(extra="forbid")

    obligation: str = Field(min_length=1, max_length=300)
    due_on: date | None = None


class DiligenceEvidence(StrictInput):
    """The obligation met: on which day, and the evidence (a trial registration, a report)."""

    model_config = ConfigDict(extra="forbid")

    done_on: date
    evidence: str = Field(min_length=1, max_length=4000)


class DiligenceRead(Output):
    id: int
    contract_id: int
    obligation: str
    due_on: date | None
    done_on: date | None
    evidence: str
    overdue: bool
