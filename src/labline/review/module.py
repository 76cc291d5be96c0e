"""The review module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from labline.modules import Module
from labline.review import (
    api,
    cli,
    committee_api,
    committee_pages,
    demo,
    document_models,
    documents_api,
    documents_pages,
    manage_pages,
    models,
    pages,
)
from labline.review.service import figures as service_figures

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
    commands=(cli.review,),
    models=(
        models,
        document_models,
    ),
    demo_steps=(demo.step_review,),
    live_figures=service_figures.by_region,
)
