"""`labline intel links ID`: what a document names, linked to labline's records."""

from __future__ import annotations

import json

import click

from labline.clitools import unit_of_work
from labline.intel.links import service


@click.command("links")
@click.argument("document_id", type=int)
@click.option("--as", "as_email", help="Look as this person (e-mail).")
@click.option("--json", "as_json", is_flag=True, help="Print the links as JSON.")
@click.pass_context
def links_cmd(ctx: click.Context, document_id: int, as_email: str | None, as_json: bool) -> None:
    """The organisations, places and terms document ID names, with linked records."""
    with unit_of_work(ctx, as_email=as_email, write=False) as (session, actor):
        links = service.document_links(
            session, actor=actor, holder=ctx.find_root().obj, document_id=document_id
        )
    if as_json:
        click.echo(json.dumps(links.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    click.echo(f"#{links.document_id} {links.title}")
    for label, mentions in (
        ("organisations", links.organisations),
        ("places", links.places),
        ("terms", links.terms),
    ):
        click.echo(f"\n{label}:")
        for m in mentions:
            cited = "".join(f"[{n}]" for n in m.paragraphs[:6])
            click.echo(f"  {m.text} {cited}")
            for r in m.links:
                click.echo(f"    -> {r.kind} {r.id} {r.title} ({r.confidence:.2f}, {r.basis})")
    for label, found in (("achievements", links.achievements), ("needs", links.needs)):
        click.echo(f"\n{label} on offer:")
        for r in found:
            click.echo(f"  {r.kind} {r.id} {r.title} ({r.confidence:.2f}; {', '.join(r.via)})")
