"""`labline search`: the one search box on the command line, every kind of record grouped by
kind, through the same service as `/search` and `/api/v1/search/everything`."""

from __future__ import annotations

import json

import click

from labline.clitools import ACT_AS, AS_JSON, unit_of_work
from labline.core.finder import service
from labline.core.finder.schemas import read_groups


@click.command("search")
@click.argument("query")
@click.option(
    "--kind",
    help="One kind of record only (organisation, team, instrument, need, achievement, call,"
    " document, …).",
)
@click.option("--type", "type_", type=click.Choice(["organisation", "team"]), hidden=True)
@click.option("-k", default=None, type=click.IntRange(1, 100), help="Results per kind.")
@ACT_AS
@AS_JSON
@click.pass_context
def search_cmd(
    ctx: click.Context,
    query: str,
    kind: str | None,
    type_: str | None,
    k: int | None,
    as_email: str | None,
    as_json: bool,
) -> None:
    """Find any kind of record (Chinese, English or both), grouped by kind. As the command
    line (an operator) by default; `--as EMAIL` finds only what that person may see."""
    root = ctx.find_root().obj
    with unit_of_work(ctx, as_email=as_email, write=False) as (session, actor):
        groups = service.search_everything(
            session,
            actor=actor,
            holder=root,
            searchables=root.searchables,
            query=query,
            kind=kind or type_,
            k=k,
        )
    read = read_groups(groups)
    if as_json:
        click.echo(json.dumps([g.model_dump() for g in read], ensure_ascii=False, indent=1))
        return
    for group in read:
        if group.opening:
            click.echo(f"{group.label_en} ({group.label_zh}): still being indexed, try again")
            continue
        click.echo(f"{group.label_en} ({group.label_zh}): {len(group.found)}")
        for i, f in enumerate(group.found, 1):
            title = f"{f.title} / {f.title_en}" if f.title_en else f.title
            total = (f.lexical + f.bridge + f.semantic) or 1.0
            click.echo(
                f"{i:>3}. {title}"
                + (f" — {f.detail}" if f.detail else "")
                + f"  {f.path}  score {f.score:.3f}"
                f" (words {100 * f.lexical / total:.0f}%,"
                f" translation {100 * f.bridge / total:.0f}%,"
                f" meaning {100 * f.semantic / total:.0f}%)"
                + (f"  matched: {', '.join(f.matched_terms[:5])}" if f.matched_terms else "")
            )
    if not read:
        click.echo("nothing found")
