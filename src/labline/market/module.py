"""The market module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labline.market import api, models, pages
from labline.market.captable import api as captable_api
from labline.market.captable import models as captable_models
from labline.market.captable import pages as captable_pages
from labline.market.deals import api as deals_api
from labline.market.deals import pages as deals_pages
from labline.market.diligence import api as diligence_api
from labline.market.diligence import models as diligence_models
from labline.market.figures import api as figures_api
from labline.market.figures import live as live_figures
from labline.market.figures import pages as figures_pages
from labline.market.investors import api as investors_api
from labline.market.investors import models as investors_models
from labline.market.investors import pages as investors_pages
from labline.market.ledger import api as ledger_api
from labline.market.ledger import models as ledger_models
from labline.market.ledger import pages as ledger_pages
from labline.market.licensing import api as licensing_api
from labline.market.licensing import models as licensing_models
from labline.market.licensing import pages as licensing_pages
from labline.market.listing import api as listing_api
from labline.market.listing import models as listing_models
from labline.market.listing import pages as listing_pages
from labline.market.profiles import api as profiles_api
from labline.market.profiles import pages as profiles_pages
from labline.market.service import lookup, market_index
from labline.market.service import work as service_work
from labline.market.valuation import api as valuation_api
from labline.market.watches import api as watches_api
from labline.market.watches import pages as watches_pages
from labline.modules import Module, Searchable, SearchKind


def _commands() -> tuple[Any, ...]:
    from labline.market import cli  # only the command line needs it (see Module.commands)

    return (cli.market,)


def _demo_steps() -> tuple[Callable[..., None], ...]:
    # Only `labline demo` builds a world (see Module.demo_steps).
    from labline.market.captable import demo as captable_demo
    from labline.market.demo import steps as demo
    from labline.market.ledger import demo as ledger_demo

    return (
        demo.step_market,
        ledger_demo.step_licences,
        captable_demo.step_captable,
    )


MODULE = Module(
    name="market",
    routers=(
        valuation_api.router,
        licensing_api.router,
        licensing_pages.router,
        ledger_api.router,
        diligence_api.router,
        ledger_pages.router,
        captable_api.router,
        captable_pages.router,
        listing_api.router,
        listing_pages.router,
        investors_api.router,
        investors_pages.router,
        watches_api.router,
        watches_pages.router,
        profiles_api.router,
        profiles_pages.router,
        api.router,
        deals_api.router,
        figures_api.router,
        pages.router,
        deals_pages.router,
        figures_pages.router,
    ),
    commands=_commands,
    models=(
        models,
        licensing_models,
        ledger_models,
        diligence_models,
        captable_models,
        investors_models,
        listing_models,
    ),
    demo_steps=_demo_steps,
    live_figures=live_figures.by_region,
    work=service_work.work,
    warm_ups=(market_index.warm_up,),
    search=(
        Searchable(
            kinds=(
                SearchKind("need", "Technology needs", "技术需求"),
                SearchKind("achievement", "Achievements", "科技成果"),
            ),
            find=lookup.find,
        ),
    ),
)
