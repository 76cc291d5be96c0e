"""What a domain module contributes to the platform, declared once per domain.

Each domain package has a `module.py` holding one `Module` record; `labline.registry`
imports them all statically, and the app, the command line, migrations, the demo and the
indicators read that list (no import strings, nothing skipped silently).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class Panel:
    """A block one domain adds to another's page, neither importing the other: the page asks
    the app's panels for its slot (e.g. "market.need"), calls `context(session, actor=,
    holder=, record=)` and, unless that returns None, includes `template` with the result as
    `panel`."""

    slot: str
    template: str
    context: Callable[..., Any]


@dataclass(frozen=True)
class SearchKind:
    """A kind of record shown as one group of the one search box's results."""

    kind: str  # "instrument", "need", ...
    label_en: str  # the group's heading, e.g. "Instruments"
    label_zh: str


@dataclass(frozen=True)
class Searchable:
    """Records a domain makes findable from the header's search box, no other domain
    importing it: `find(session, ask)` is one of the domain's service functions; given a
    `labline.finding.Ask` (actor, holder, query, k, vectors) it returns up to `ask.k`
    `labline.finding.Found` of each of its `kinds`, only those the actor may see (nothing,
    not an error, for an actor who may see none). It searches with `ask.vectors`, the
    query's vector shared by every index of one encoder, never encoding the query itself."""

    kinds: tuple[SearchKind, ...]
    find: Callable[..., Any]


def _none() -> tuple[Any, ...]:
    return ()


@dataclass(frozen=True)
class Module:
    name: str
    # FastAPI routers, in the order they are matched (a fixed path before `/{id}`).
    routers: tuple[Any, ...] = ()
    # The click commands and groups added to the `labline` root command. A function, called
    # by the command line only, that imports them: an app worker needs neither click nor the
    # commands' modules, so it never imports them (tests/test_app_imports.py).
    commands: Callable[[], tuple[Any, ...]] = _none
    # Modules declaring the domain's tables (imported for complete metadata).
    models: tuple[ModuleType, ...] = ()
    # The steps of the demo world, run in order after the core steps; each takes the World.
    # A function, like `commands`: only `labline demo` (and tests) build a world.
    demo_steps: Callable[[], tuple[Callable[..., None], ...]] = _none
    # Live figures by region for the indicators (session, year) -> figures.
    live_figures: Callable[..., Any] | None = None
    # What waits on a person, for the home page:
    # (session, *, actor, holder) -> [labline.work.WorkList]; holder is the app's state (for
    # the search indexes).
    work: Callable[..., Any] | None = None
    # Blocks shown on other domains' pages (see Panel).
    panels: tuple[Panel, ...] = ()
    # Kinds of record findable from the one search box (see Searchable).
    search: tuple[Searchable, ...] = ()
    # Run by each app process before it accepts requests: (session, holder) -> None, e.g.
    # opening an index, so that no request waits for it.
    warm_ups: tuple[Callable[..., None], ...] = ()
