"""`labline search`: find organisations and teams; `labline search-index`: build and save."""

from __future__ import annotations

import json

import click

from labline.clitools import console, settings_of, unit_of_work
from labline.core.directory import service as search


@click.command("search")
@click.argument("query")
@click.option("--type", "type_", type=click.Choice(["organisation", "team"]))
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search_cmd(ctx: click.Context, query: str, type_: str | None, k: int, as_json: bool) -> None:
    """Find organisations and research teams (Chinese, English or both)."""
    with unit_of_work(ctx) as (session, actor):
        hits = search.search_directory(
            session, actor=actor, holder=ctx.find_root().obj, query=query, k=k, type=type_
        )
        found = search.resolve(session, hits)
    if as_json:
        click.echo(json.dumps([f.model_dump() for f in found], ensure_ascii=False, indent=1))
        return
    for i, f in enumerate(found, 1):
        terms = ", ".join(f.matched_terms[:5])
        click.echo(
            f"{i:>2}. [{f.type}] {f.name_zh} / {f.name_en}"
            + (f" — {f.organisation_zh}" if f.type == "team" else "")
            + f"  score {f.score:.3f}"
            f"  (words {f.lexical:.2f}, translation {f.bridge:.2f}, meaning {f.semantic:.2f})"
            + (f"  matched: {terms}" if terms else "")
        )
    if not found:
        click.echo("nothing found")


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
