"""`labline intel search QUERY`: the command-line face of document search."""

from __future__ import annotations

from datetime import date

import click

from labline.clitools import reader_language, unit_of_work
from labline.intel.search import service
from labline.intel.search.present import results_of


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--since"
        ) from None


@click.command("search")
@click.argument("query")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Only documents in this language.")
@click.option("--since", help="Only documents dated on or after this day (YYYY-MM-DD).")
@click.option("--until", help="Only documents dated on or before this day (YYYY-MM-DD).")
@click.option("--source", help="Only documents from this source or issuer.")
@click.option("--collection", "collection_id", type=int, help="Only this collection (id).")
@click.option("--type", "doc_type", help="Only this document type (html, pdf, docx, text, ...).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--digest", "with_digest", is_flag=True, help="Add each document's digest.")
@click.option("--as", "as_email", help="Search as this person (e-mail).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search_cmd(
    ctx: click.Context,
    query: str,
    lang: str | None,
    since: str | None,
    until: str | None,
    source: str | None,
    collection_id: int | None,
    doc_type: str | None,
    sort: str,
    limit: int,
    with_digest: bool,
    as_email: str | None,
    as_json: bool,
) -> None:
    """Search documents in Chinese or English (either finds both)."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        found = service.search(
            session,
            actor=actor,
            holder=ctx.find_root().obj,
            query=query,
            limit=limit,
            language=lang,
            source=source,
            collection_id=collection_id,
            doc_type=doc_type,
            since=_day(since),
            until=_day(until),
            sort="date" if sort == "date" else "relevance",
        )
        holder = ctx.find_root().obj
        with reader_language(session, actor):
            out = results_of(
                found, with_digest=with_digest, coverage=service.coverage(session, holder)
            )
    if as_json:  # words_only carries the note
        click.echo(out.model_dump_json(indent=2, exclude_none=False))
        return
    if out.words_only is not None:
        click.echo(f"({out.words_only.note})")
    for r in out.results:
        click.echo(f"{r.id:>6}  {r.date_label:10}  {r.source[:20]:20}  {r.title}")
        for p in r.paragraphs[:1]:
            click.echo(f"        [{p.n}] {p.text[:160]}")
        if r.digest:
            click.echo(
                f"        {r.digest.core_viewpoint.text} {r.digest.core_viewpoint.citations}"
            )
