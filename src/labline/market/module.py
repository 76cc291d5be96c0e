"""The market module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from labline.market import api, cli, demo, models, pages, profiles, watches
from labline.market.ledger import api as ledger_api
from labline.market.ledger import demo as ledger_demo
from labline.market.ledger import models as ledger_models
from labline.market.ledger import pages as ledger_pages
from labline.market.licensing import api as licensing_api
from labline.market.licensing import models as licensing_models
from labline.market.licensing import pages as licensing_pages
from labline.market.service import figures as service_figures
from labline.market.valuation import api as valuation_api
from labline.modules import Module

MODULE = Module(
    name="market",
    routers=(
        valuation_api.router,
        licensing_api.router,
        licensing_pages.router,
        ledger_api.router,
        ledger_pages.router,
        watches.router,
        profiles.router,
        api.router,
        pages.router,
    ),
    commands=(cli.market,),
    models=(models, licensing_models, ledger_models),
    demo_steps=(demo.step_market, ledger_demo.step_licences),
    live_figures=service_figures.by_region,
)
