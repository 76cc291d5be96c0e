"""Valuation rules: which stage table applies, and rNPV of a request."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from labline.core.access import Actor, require_signed_in
from labline.errors import FieldError, InvalidInput
from labline.market.engine import valuation as engine
from labline.market.valuation.schemas import (
    RnpvRead,
    RnpvRequest,
    StageValueRead,
    SuccessRates,
)

# An operator replaces the shipped table by putting a file of the same shape here.
TABLE_FILE = Path("market") / "success_rates.json"


def success_rates(*, data_dir: Path | None = None) -> SuccessRates:
    """The operator's table if the data folder has one, else the shipped, sourced table."""
    custom = data_dir / TABLE_FILE if data_dir is not None else None
    if custom is not None and custom.is_file():
        raw = custom.read_text(encoding="utf-8")
        where = str(custom)
    else:
        raw = (resources.files("labline.market.valuation") / "success_rates.json").read_text(
            encoding="utf-8"
        )
        where = "the shipped table"
    try:
        table = SuccessRates.model_validate(json.loads(raw))
        engine.check_probabilities({str(k): v for k, v in table.passing.items()})
    except (ValueError, ValidationError) as exc:
        raise InvalidInput(
            f"The stage table in {where} is not valid: {exc}",
            fields=[FieldError("success_rates", str(exc))],
        ) from None
    return table


def rnpv(*, actor: Actor, request: RnpvRequest, data_dir: Path | None = None) -> RnpvRead:
    """NPV and rNPV of the request's cash flows, for anyone signed in (nothing is read)."""
    require_signed_in(actor)
    table = success_rates(data_dir=data_dir)
    passing: dict[str, Decimal] = {str(k): v for k, v in table.passing.items()}
    passing.update({str(k): v for k, v in (request.probabilities or {}).items()})
    flows = [
        engine.CashFlow(year=f.year, amount=f.amount, stage=f.stage) for f in request.cashflows
    ]
    try:
        result = engine.value(
            rate=request.rate, start=request.stage, cashflows=flows, passing=passing
        )
    except engine.ValuationError as exc:
        raise InvalidInput(
            exc.message, fields=[FieldError(exc.field, exc.message, exc.allowed or None)]
        ) from None
    return RnpvRead(
        npv=result.npv,
        rnpv=result.rnpv,
        probability_of_approval=result.probability_of_approval,
        by_stage=[StageValueRead.model_validate(s, from_attributes=True) for s in result.by_stage],
        probabilities={k: v for k, v in passing.items()},
        source=table.source
        if not request.probabilities
        else f"{table.source} (overridden: {', '.join(sorted(request.probabilities))})",
    )
