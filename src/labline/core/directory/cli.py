"""`labline search-index`: build and save the directory's index (`labline search`: core.finder)."""

from __future__ import annotations

import click

from labline.clitools import console, settings_of, unit_of_work
from labline.core.directory import service as search


@click.command("search-index")
@click.pass_context
def search_index_cmd(ctx: click.Context) -> None:
    """Build the directory index's snapshot beside the database now (the worker would);
    one that is usable is caught up instead. The market's: `labline market index`."""
    from labline.core.indexes import service as indexes

    folder = settings_of(ctx).data_dir / "indexes" / search.SPEC.name
    status = console.status("building the search index (text analysis and sentence vectors)…")
    with unit_of_work(ctx) as (session, actor), status:
        why, done = indexes.check_or_rebuild(
            session, actor=actor, spec=search.SPEC, directory=folder, check=False
        )
    console.print(f"search index: {done}" + (f" ({why})" if why else ""))
