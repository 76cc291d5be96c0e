"""The indicators module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from labline.indicators import api, cli, demo, models, pages
from labline.indicators.growth import api as growth_api
from labline.indicators.growth import pages as growth_pages
from labline.modules import Module

MODULE = Module(
    name="indicators",
    routers=(
        api.router,
        growth_api.router,
        growth_pages.router,
        pages.router,
    ),
    commands=(cli.indicators,),
    models=(models,),
    demo_steps=(demo.step_indicators,),
)
