"""The core module's record: its routers, commands, tables, demo steps and live figures."""

from __future__ import annotations

from labline.core import api, cli, mail_cli, models, search_api, search_cli
from labline.core.pages import account as pages_account
from labline.core.pages import organisations as pages_organisations
from labline.core.pages import people as pages_people
from labline.core.pages import people_admin as pages_people_admin
from labline.core.pages import session as pages_session
from labline.core.pages import transfer as pages_transfer
from labline.modules import Module

MODULE = Module(
    name="core",
    routers=(
        api.router,
        api.refdata_router,
        search_api.router,
        search_api.pages,
        pages_session.router,
        pages_transfer.router,
        pages_organisations.router,
        pages_people_admin.router,
        pages_people.router,
        pages_account.router,
    ),
    commands=(
        cli.serve,
        cli.db,
        cli.users,
        cli.audit_group,
        cli.orgs,
        mail_cli.mail_group,
        search_cli.search_cmd,
        search_cli.search_index_cmd,
    ),
    models=(models,),
)
