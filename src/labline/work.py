"""What waits on a person: the lists a module puts on its users' home page.

A module record's `work` provider is `(session, *, actor, holder) -> list[WorkList]` (holder:
the app's state, for search indexes); the core's
home page calls every provider the app took from the registry (the core imports no
domain). Titles are catalogue message ids, translated where they are shown; item labels
are record content (a title, a name) shown as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class WorkItem:
    label: str  # record content, e.g. a proposal's title
    href: str
    due: date | None = None  # when it is due, if it has a deadline
    state: str = ""  # a catalogue message id (a state, a kind), translated when shown


@dataclass(frozen=True)
class WorkList:
    key: str  # stable id for tests and anchors, e.g. "reviews-due"
    title: str  # a catalogue message id
    href: str  # the page with all of them
    role: str = ""  # the role this work comes with
    items: tuple[WorkItem, ...] = field(default_factory=tuple)
    total: int = 0  # how many there are in all (items shows the first few)
    empty: str = ""  # a catalogue message id shown when there is nothing to do


SHOWN = 8  # items shown per list on the home page
