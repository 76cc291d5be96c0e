"""Every domain module, imported statically, in the order their routes are matched and
their commands and demo steps run. The app, the command line, migrations and backups read
this list; a new domain adds its `module.py` here and nowhere else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labline.core.module import MODULE as core
from labline.facilities.module import MODULE as facilities
from labline.indicators.module import MODULE as indicators
from labline.intel.module import MODULE as intel
from labline.market.module import MODULE as market
from labline.modules import Module, Panel, Searchable
from labline.review.module import MODULE as review

MODULES: tuple[Module, ...] = (core, review, market, facilities, indicators, intel)


def routers() -> list[Any]:
    return [r for m in MODULES for r in m.routers]


def commands() -> list[Any]:
    return [c for m in MODULES for c in m.commands()]


def demo_steps() -> list[Callable[..., None]]:
    return [s for m in MODULES for s in m.demo_steps()]


def live_figure_providers() -> dict[str, Callable[..., Any]]:
    return {m.name: m.live_figures for m in MODULES if m.live_figures is not None}


def work_providers() -> tuple[Callable[..., Any], ...]:
    return tuple(m.work for m in MODULES if m.work is not None)


def panels() -> dict[str, list[Panel]]:
    """The panels each page slot shows, in module order."""
    out: dict[str, list[Panel]] = {}
    for m in MODULES:
        for panel in m.panels:
            out.setdefault(panel.slot, []).append(panel)
    return out


def searchables() -> tuple[Searchable, ...]:
    """What the one search box asks, in module order."""
    return tuple(s for m in MODULES for s in m.search)


def warm_ups() -> tuple[Callable[..., None], ...]:
    return tuple(w for m in MODULES for w in m.warm_ups)
