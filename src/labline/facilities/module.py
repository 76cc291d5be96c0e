"""The facilities module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from labline.facilities import api, cli, models, pages
from labline.facilities.beamtime import api as beamtime_api
from labline.facilities.beamtime import pages as beamtime_pages
from labline.facilities.demo import steps as demo
from labline.facilities.manage import pages as manage_pages
from labline.facilities.service import figures as service_figures
from labline.facilities.service import finder as service_finder
from labline.facilities.service import work as service_work
from labline.modules import Module, Searchable, SearchKind

MODULE = Module(
    name="facilities",
    routers=(
        beamtime_api.router,
        api.router,
        beamtime_pages.router,
        manage_pages.router,
        pages.router,
    ),
    commands=(cli.facilities,),
    models=(models,),
    demo_steps=(demo.step_facilities,),
    live_figures=service_figures.by_region,
    work=service_work.work,
    search=(
        Searchable(
            kinds=(SearchKind("instrument", "Instruments", "仪器设备"),), find=service_finder.find
        ),
    ),
)
