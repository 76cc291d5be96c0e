"""The indicators module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from labline.indicators import api, cli, growth, models, pages
from labline.modules import Module

MODULE = Module(
    name="indicators",
    routers=(
        api.router,
        growth.router,
        pages.router,
    ),
    commands=(cli.indicators,),
    models=(models,),
)
