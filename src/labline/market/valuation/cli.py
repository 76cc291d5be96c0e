"""`labline market rnpv FILE`: NPV and risk-adjusted NPV of a licence's cash flows."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from labline.clitools import console, settings_of
from labline.core.access import command_line_actor
from labline.errors import FieldError, InvalidInput
from labline.market.valuation import service
from labline.market.valuation.schemas import RnpvRequest


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    if isinstance(value, dict):
        return {k: _number(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_number(v) for v in value]
    return value


@click.command("rnpv")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def rnpv(ctx: click.Context, file: Path, as_json: bool) -> None:
    """NPV and rNPV of a licence's cash flows.

    FILE is JSON: {"rate", "stage", "cashflows": [{"year", "amount", "stage"}],
    "probabilities"?}; stages preclinical, phase1, phase2, phase3, filing, market.
    """
    try:
        payload = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            f"{file} is not JSON: {exc}", fields=[FieldError("file", "not valid JSON")]
        ) from None
    result = service.rnpv(
        actor=command_line_actor("labline market rnpv"),
        request=RnpvRequest.model_validate(payload),
        data_dir=settings_of(ctx).data_dir,
    )
    out = _number(result.model_dump())
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    console.print(f"NPV  {result.npv:,.2f}")
    console.print(f"rNPV {result.rnpv:,.2f}")
    console.print(f"probability of approval {result.probability_of_approval:.4f}")
    for s in result.by_stage:
        console.print(
            f"  {s.stage:<12} p={s.probability:.4f}  npv={s.npv:,.2f}  rnpv={s.rnpv:,.2f}"
        )
    console.print(f"[dim]{result.source}[/dim]")
