"""The core module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from typing import Any

from labline.core import api, models
from labline.core.directory import api as directory_api
from labline.core.directory import pages as directory_pages
from labline.core.directory import service as directory_service
from labline.core.finder import api as finder_api
from labline.core.indexes import models as indexes_models
from labline.core.indexes import pages as indexes_pages
from labline.core.indexes import warm as indexes_warm
from labline.core.mail import api as mail_api
from labline.core.mail import pages as mail_pages
from labline.core.pages import account as pages_account
from labline.core.pages import organisations as pages_organisations
from labline.core.pages import people as pages_people
from labline.core.pages import people_admin as pages_people_admin
from labline.core.pages import session as pages_session
from labline.core.pages import transfer as pages_transfer
from labline.modules import Module, Searchable, SearchKind


def _commands() -> tuple[Any, ...]:
    # Imported here, not above: only the command line needs them (see Module.commands).
    from labline.core import cli
    from labline.core.directory import cli as directory_cli
    from labline.core.finder import cli as finder_cli
    from labline.core.indexes import cli as indexes_cli
    from labline.core.mail import cli as mail_cli

    return (
        cli.serve,
        cli.db,
        cli.users,
        cli.audit_group,
        cli.orgs,
        mail_cli.mail_group,
        finder_cli.search_cmd,
        directory_cli.search_index_cmd,
        indexes_cli.worker,
    )


MODULE = Module(
    name="core",
    routers=(
        api.router,
        mail_api.router,
        api.refdata_router,
        finder_api.router,
        directory_api.router,
        directory_pages.router,
        pages_session.router,
        pages_transfer.router,
        pages_organisations.router,
        pages_people_admin.router,
        pages_people.router,
        pages_account.router,
        mail_pages.router,
        indexes_pages.router,
    ),
    commands=_commands,
    models=(models, indexes_models),
    # First of every module's warm-ups: each index with a snapshot, and the query encoder.
    warm_ups=(indexes_warm.warm_up,),
    search=(
        Searchable(
            kinds=(
                SearchKind("organisation", "Organisations", "机构"),
                SearchKind("team", "Research teams", "研究团队"),
            ),
            find=directory_service.find,
        ),
    ),
)
