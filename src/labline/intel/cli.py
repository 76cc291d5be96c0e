"""`labline intel ...`: import, show, search, digest, brief, watch, poll."""

from __future__ import annotations

import click

from labline.clitools import DomainErrors
from labline.intel.briefings import cli as briefings_cli
from labline.intel.digests import cli as digests_cli
from labline.intel.documents import cli as documents_cli
from labline.intel.links import cli as links_cli
from labline.intel.search import cli as search_cli
from labline.intel.watches import cli as watches_cli


@click.group("intel", cls=DomainErrors)
def intel() -> None:
    """Document intelligence: policy and news documents, searched and read as cited digests."""


for command in (
    documents_cli.import_cmd,
    documents_cli.show_cmd,
    documents_cli.collections_cmd,
    documents_cli.feed_add_cmd,
    documents_cli.poll_cmd,
    search_cli.search_cmd,
    links_cli.links_cmd,
    digests_cli.digest_cmd,
    briefings_cli.brief_cmd,
    watches_cli.watch,
):
    intel.add_command(command)
