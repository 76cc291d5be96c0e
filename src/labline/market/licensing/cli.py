"""`labline market offer ...`: propose licence terms on a deal, list and compare them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labline.clitools import console, settings_of, unit_of_work
from labline.errors import FieldError, InvalidInput
from labline.market.licensing import service
from labline.market.licensing.schemas import CompareRequest, OfferCreate, OfferRead


def _json_file(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            f"{path} is not JSON: {exc}", fields=[FieldError("file", "not valid JSON")]
        ) from None


@click.group("offer")
def offer() -> None:
    """Licence offers on a deal: terms, milestones, royalty tiers, comparison by rNPV."""


@offer.command("add")
@click.argument("deal_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "as_email", required=True, help="The person who proposes (e-mail).")
@click.pass_context
def add(ctx: click.Context, deal_id: int, file: Path, as_email: str) -> None:
    """Propose the licence terms in FILE (JSON, the API's OfferCreate) on DEAL_ID."""
    data = OfferCreate.model_validate(_json_file(file))
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        made = service.propose(session, actor=actor, deal_id=deal_id, data=data)
        console.print(f"offer {made.id} on deal {deal_id}: {made.label}")


@offer.command("list")
@click.argument("deal_id", type=int)
@click.option("--as", "as_email", required=True, help="Read as this person (e-mail).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_offers(ctx: click.Context, deal_id: int, as_email: str, as_json: bool) -> None:
    """The licence offers on DEAL_ID."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        rows = [
            OfferRead.model_validate(o)
            for o in service.offers_of(session, actor=actor, deal_id=deal_id)
        ]
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False))
        return
    for r in rows:
        console.print(
            f"{r.id:>5}  {r.label}  {r.exclusivity}  {r.term_years} y  upfront {r.upfront_cash}"
            f" {r.currency}  {len(r.milestones)} milestones  {len(r.tiers)} tiers"
        )


@offer.command("compare")
@click.argument("deal_id", type=int)
@click.option("--as", "as_email", required=True, help="Read as this person (e-mail).")
@click.option("--rate", type=float, default=0.10, show_default=True)
@click.option("--stage", default="phase1", show_default=True)
@click.option(
    "--forecast",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON list of {"year", "net_sales"}.',
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def compare(
    ctx: click.Context,
    deal_id: int,
    as_email: str,
    rate: float,
    stage: str,
    forecast: Path | None,
    as_json: bool,
) -> None:
    """Each offer's NPV and rNPV, split into upfront, milestones and royalties."""
    request = CompareRequest.model_validate(
        {"rate": str(rate), "stage": stage, "forecast": _json_file(forecast) if forecast else []}
    )
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        result = service.compare(
            session,
            actor=actor,
            deal_id=deal_id,
            request=request,
            data_dir=settings_of(ctx).data_dir,
        )
    if as_json:
        click.echo(result.model_dump_json())
        return
    for v in result.offers:
        console.print(
            f"{v.offer.id:>5}  {v.offer.label:<30} NPV {v.npv:>16,.2f}  rNPV {v.rnpv:>16,.2f}"
            f"  (upfront {v.rnpv_upfront:,.2f}, milestones {v.rnpv_milestones:,.2f},"
            f" royalties {v.rnpv_royalties:,.2f})"
        )
    console.print(f"[dim]{result.source}[/dim]")
