"""The intel module's record: its routers, commands, tables and demo step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labline.intel.briefings import api as briefings_api
from labline.intel.digests import api as digests_api
from labline.intel.digests import jobs as digests_jobs  # noqa: F401 - registers the job
from labline.intel.digests import models as digest_models
from labline.intel.digests import pages as digests_pages
from labline.intel.digests import service as digests_service
from labline.intel.documents import api as documents_api
from labline.intel.documents import models as document_models
from labline.intel.documents import pages as documents_pages
from labline.intel.links import api as links_api
from labline.intel.links import pages as links_pages
from labline.intel.links import service as links_service
from labline.intel.search import api as search_api
from labline.intel.search import everything as search_everything
from labline.intel.search import pages as search_pages
from labline.intel.watches import api as watches_api
from labline.intel.watches import models as watch_models
from labline.intel.watches import pages as watches_pages
from labline.modules import Module, Panel, Searchable, SearchKind


def _commands() -> tuple[Any, ...]:
    from labline.intel import cli  # only the command line needs it (see Module.commands)

    return (cli.intel,)


def _demo_steps() -> tuple[Callable[..., None], ...]:
    # Only `labline demo` builds a world (see Module.demo_steps).
    from labline.intel import demo

    return (demo.step_intel,)


MODULE = Module(
    name="intel",
    routers=(
        # fixed paths (/search, /watches, /inbox) before /documents/{id}
        search_api.router,
        watches_api.router,
        briefings_api.router,
        links_api.router,
        digests_api.router,
        documents_api.router,
        search_pages.router,
        watches_pages.router,
        links_pages.router,
        digests_pages.router,
        documents_pages.router,
    ),
    commands=_commands,
    models=(document_models, watch_models, digest_models),
    demo_steps=_demo_steps,
    warm_ups=(digests_service.warm_up,),
    # Recent policy documents about a market record's field, on its page.
    panels=tuple(
        Panel(slot, "intel/_about_panel.html", links_service.panel_for_record)
        for slot in ("market.need", "market.achievement")
    ),
    search=(
        Searchable(
            kinds=(SearchKind("document", "Policy and news documents", "政策与资讯文献"),),
            find=search_everything.find,
        ),
    ),
)
