"""`labline intel brief`: a briefing file from documents or a search."""

from __future__ import annotations

from pathlib import Path

import click

from labline.clitools import unit_of_work
from labline.intel.briefings import service
from labline.intel.briefings.schemas import BriefingCreate


@click.command("brief")
@click.option("--id", "ids", type=int, multiple=True, help="A document id (repeat for more).")
@click.option("--query", default="", help="Or: the top results of this search.")
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option("--title", default="")
@click.option("--format", "fmt", type=click.Choice(["md", "docx", "pdf"]), default="md")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def brief_cmd(
    ctx: click.Context,
    ids: tuple[int, ...],
    query: str,
    limit: int,
    title: str,
    fmt: str,
    out: Path,
) -> None:
    """Write a briefing: title, source, date, digest with citations, cited paragraphs."""
    data = BriefingCreate.model_validate(
        {"document_ids": list(ids), "query": query, "limit": limit, "title": title, "format": fmt}
    )
    with unit_of_work(ctx) as (session, actor):
        content, _media, _name = service.make(session, actor=actor, data=data)
    out.write_bytes(content)
    click.echo(f"{out}: {len(content):,} bytes")
