"""The review module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labline.modules import Module, Searchable, SearchKind
from labline.review import api, manage_pages, models, pages
from labline.review.committee import api as committee_api
from labline.review.committee import pages as committee_pages
from labline.review.documents import api as documents_api
from labline.review.documents import models as document_models
from labline.review.documents import pages as documents_pages
from labline.review.service import figures as service_figures
from labline.review.service import finder as service_finder
from labline.review.service import work as service_work


def _commands() -> tuple[Any, ...]:
    from labline.review import cli  # only the command line needs it (see Module.commands)

    return (cli.review,)


def _demo_steps() -> tuple[Callable[..., None], ...]:
    # Only `labline demo` builds a world (see Module.demo_steps).
    from labline.review.demo import live as demo_live
    from labline.review.demo import review as demo

    return (
        demo.step_review,
        demo_live.step_review_live,
    )


MODULE = Module(
    name="review",
    routers=(
        api.router,
        manage_pages.router,
        pages.router,
        committee_api.router,
        committee_pages.router,
        documents_api.router,
        documents_pages.router,
    ),
    commands=_commands,
    models=(
        models,
        document_models,
    ),
    demo_steps=_demo_steps,
    live_figures=service_figures.by_region,
    work=service_work.work,
    search=(
        Searchable(
            kinds=(SearchKind("call", "Funding calls", "项目指南"),), find=service_finder.find
        ),
    ),
)
