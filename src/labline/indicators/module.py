"""The indicators module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labline.indicators import api, models, pages
from labline.indicators.growth import api as growth_api
from labline.indicators.growth import pages as growth_pages
from labline.modules import Module


def _commands() -> tuple[Any, ...]:
    from labline.indicators import cli  # only the command line needs it (see Module.commands)

    return (cli.indicators,)


def _demo_steps() -> tuple[Callable[..., None], ...]:
    # Only `labline demo` builds a world (see Module.demo_steps).
    from labline.indicators import demo

    return (demo.step_indicators,)


MODULE = Module(
    name="indicators",
    routers=(
        api.router,
        growth_api.router,
        growth_pages.router,
        pages.router,
    ),
    commands=_commands,
    models=(models,),
    demo_steps=_demo_steps,
)
