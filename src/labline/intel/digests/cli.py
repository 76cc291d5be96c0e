"""`labline intel digest ID [--llm]`: a document's digest, extractive or (with a configured
language model) abstractive and checked against the cited paragraphs."""

from __future__ import annotations

import click

from labline.clitools import settings_of, unit_of_work
from labline.intel.digests import service
from labline.intel.digests.schemas import AbstractiveDigestRead, DigestRead


def _cites(ns: list[int]) -> str:
    return "".join(f"[{n}]" for n in ns)


@click.command("digest")
@click.argument("document_id", type=int)
@click.option("--llm", is_flag=True, help="Ask the model at LABLINE_LLM_URL (checked).")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="The digest's language (--llm).")
@click.option("--as", "as_email", help="Read as this person (e-mail).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def digest_cmd(
    ctx: click.Context,
    document_id: int,
    llm: bool,
    lang: str | None,
    as_email: str | None,
    as_json: bool,
) -> None:
    """The core viewpoint and groups of document ID, every point citing its paragraphs."""
    with unit_of_work(ctx, as_email=as_email, write=False) as (session, actor):
        if llm:
            checked = service.llm_digest(
                session,
                actor=actor,
                settings=settings_of(ctx),
                document_id=document_id,
                language=lang,
            )
            found: AbstractiveDigestRead | DigestRead = checked
        else:
            found = service.document_digest(session, actor=actor, document_id=document_id)
    if as_json:
        click.echo(found.model_dump_json(indent=2))
        return
    if found.core_viewpoint is not None:
        core = found.core_viewpoint
        click.echo(f"Core viewpoint: {core.text} {_cites(core.citations)}")
    for i, group in enumerate(found.groups, 1):
        click.echo(f"Group {i}: {group.heading}")
        for p in group.points:
            click.echo(f"  - {p.text} {_cites(p.citations)}")
    if isinstance(found, AbstractiveDigestRead):
        click.echo(f"({found.kept} points kept, {found.dropped} dropped as unsupported)")
        for d in found.dropped_points:
            click.echo(f"  dropped: {d.text} {_cites(d.citations)} — {d.reason} {d.detail}")
