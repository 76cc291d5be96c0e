"""The facilities module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labline.facilities import api, models, pages
from labline.facilities.beamtime import api as beamtime_api
from labline.facilities.beamtime import pages as beamtime_pages
from labline.facilities.manage import pages as manage_pages
from labline.facilities.service import figures as service_figures
from labline.facilities.service import finder as service_finder
from labline.facilities.service import work as service_work
from labline.modules import Module, Searchable, SearchKind


def _commands() -> tuple[Any, ...]:
    from labline.facilities import cli  # only the command line needs it (see Module.commands)

    return (cli.facilities,)


def _demo_steps() -> tuple[Callable[..., None], ...]:
    # Only `labline demo` builds a world (see Module.demo_steps).
    from labline.facilities.demo import steps as demo

    return (demo.step_facilities,)


MODULE = Module(
    name="facilities",
    routers=(
        beamtime_api.router,
        api.router,
        beamtime_pages.router,
        manage_pages.router,
        pages.router,
    ),
    commands=_commands,
    models=(models,),
    demo_steps=_demo_steps,
    live_figures=service_figures.by_region,
    work=service_work.work,
    search=(
        Searchable(
            kinds=(SearchKind("instrument", "Instruments", "仪器设备"),), find=service_finder.find
        ),
    ),
)
