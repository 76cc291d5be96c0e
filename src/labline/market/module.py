"""The market module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from labline.market import api, cli, models, pages
from labline.market.demo import steps as demo
from labline.market.figures import service as service_figures
from labline.market.profiles import api as profiles
from labline.market.watches import api as watches
from labline.modules import Module

MODULE = Module(
    name="market",
    routers=(
        watches.router,
        profiles.router,
        api.router,
        pages.router,
    ),
    commands=(cli.market,),
    models=(models,),
    demo_steps=(demo.step_market,),
    live_figures=service_figures.by_region,
)
