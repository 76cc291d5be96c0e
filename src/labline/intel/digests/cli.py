"""`labline intel digest ID [--llm]`: a document's digest, extractive or (with a configured
language model) abstractive and checked against the cited paragraphs."""

from __future__ import annotations

import json

import click

from labline.clitools import settings_of, unit_of_work
from labline.intel.digests import llm_runs, service
from labline.intel.digests.schemas import AbstractiveDigestRead, DigestRead


def _cites(ns: list[int]) -> str:
    return "".join(f"[{n}]" for n in ns)


@click.command("digest")
@click.argument("document_id", type=int)
@click.option(
    "--llm",
    is_flag=True,
    help="Ask the model at LABLINE_LLM_URL (checked); the run is stored, as the page's.",
)
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
    run_id = None
    with unit_of_work(ctx, as_email=as_email, write=llm) as (session, actor):
        if llm:
            run = llm_runs.digest_now(
                session,
                actor=actor,
                settings=settings_of(ctx),
                document_id=document_id,
                language=lang,
                checkpoint=session.commit,
            )
            run_id = run.id
            checked = llm_runs.run_read(run).result
            assert checked is not None  # a done run has its digest
            found: AbstractiveDigestRead | DigestRead = checked
        else:
            found = service.document_digest(session, actor=actor, document_id=document_id)
    if as_json:
        out = found.model_dump(mode="json")
        if run_id is not None:
            out["run_id"] = run_id
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if run_id is not None:
        click.echo(f"Run {run_id} (stored; shown on the document's page and by the API)")
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
