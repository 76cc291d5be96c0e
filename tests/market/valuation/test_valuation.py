"""rNPV: the engine against the formula written out by hand, the sourced table, bad input,
and the same answer from the command line and the API."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from labline.cli import cli
from labline.core.access import command_line_actor
from labline.core.schemas import TokenCreate
from labline.core.service import auth
from labline.errors import InvalidInput
from labline.market.engine import valuation as engine
from labline.market.valuation import service
from labline.market.valuation.schemas import RnpvRequest
from tests.factories import make_person

PASSING = {
    "preclinical": Decimal("0.69"),
    "phase1": Decimal("0.52"),
    "phase2": Decimal("0.289"),
    "phase3": Decimal("0.578"),
    "filing": Decimal("0.906"),
}
FLOWS = [
    (0, -2_000_000, "phase1"),
    (2, -5_000_000, "phase2"),
    (4, -20_000_000, "phase3"),
    (7, 10_000_000, "filing"),
    (9, 120_000_000, "market"),
]
REQUEST = {
    "rate": 0.10,
    "stage": "phase1",
    "cashflows": [{"year": y, "amount": a, "stage": s} for y, a, s in FLOWS],
}


def _by_hand(rate: float, start: str) -> tuple[float, float]:
    """The definition, in floats: each flow weighted by P(reach its stage) and discounted."""
    order = list(engine.STAGES)
    npv = rnpv = 0.0
    for year, amount, stage in FLOWS:
        p = 1.0
        for s in order[order.index(start) : order.index(stage)]:
            p *= float(PASSING[s])
        npv += amount / (1 + rate) ** year
        rnpv += p * amount / (1 + rate) ** year
    return npv, rnpv


def test_rnpv_matches_the_formula() -> None:
    flows = [engine.CashFlow(year=y, amount=Decimal(a), stage=s) for y, a, s in FLOWS]
    result = engine.value(rate=Decimal("0.10"), start="phase1", cashflows=flows, passing=PASSING)
    npv, rnpv = _by_hand(0.10, "phase1")
    assert float(result.npv) == pytest.approx(npv, abs=0.01)
    assert float(result.rnpv) == pytest.approx(rnpv, abs=0.01)
    # The report's likelihood of approval from Phase I: 7.9 %.
    assert round(float(result.probability_of_approval), 3) == 0.079
    assert [s.stage for s in result.by_stage] == ["phase1", "phase2", "phase3", "filing", "market"]
    assert result.by_stage[0].probability == 1  # the starting stage is certain
    assert sum(s.rnpv for s in result.by_stage) == pytest.approx(result.rnpv, abs=Decimal("0.05"))


def test_the_shipped_table_names_its_source_and_gives_the_reported_figures() -> None:
    table = service.success_rates()
    assert "Clinical Development Success Rates 2011–2020" in table.source
    assert table.passing["phase2"] == Decimal("0.289")


def test_an_operator_table_in_the_data_folder_replaces_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "market").mkdir()
    (tmp_path / "market" / "success_rates.json").write_text(
        json.dumps(
            {"name": "ours", "source": "our portfolio", "passing": dict.fromkeys(PASSING, "0.5")}
        )
    )
    result = service.rnpv(
        actor=command_line_actor("test"),
        request=RnpvRequest.model_validate(REQUEST),
        data_dir=tmp_path,
    )
    assert result.source == "our portfolio"
    assert result.probability_of_approval == Decimal("0.0625")  # 0.5 ** 4 from phase 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"probabilities": {"phase2": 1.2}}, "probabilities.phase2"),
        ({"probabilities": {"phase2": -0.1}}, "probabilities.phase2"),
        ({"stage": "phase3"}, "cashflows.0.stage"),  # a flow before the starting stage
    ],
)
def test_bad_input_names_the_field(change: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        service.rnpv(
            actor=command_line_actor("test"),
            request=RnpvRequest.model_validate({**REQUEST, **change}),
        )
    assert [f.field for f in exc.value.fields] == [field]


def test_the_command_line_prints_the_json_the_issue_names(tmp_path: Path) -> None:
    src = tmp_path / "deal.json"
    src.write_text(json.dumps(REQUEST))
    out = CliRunner().invoke(
        cli, ["--data-dir", str(tmp_path), "market", "rnpv", str(src), "--json"]
    )
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert {"npv", "rnpv", "probability_of_approval", "by_stage"} <= body.keys()
    assert body["rnpv"] == pytest.approx(_by_hand(0.10, "phase1")[1], abs=0.01)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**REQUEST, "stage": "phase9"}))
    refused = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "market", "rnpv", str(bad)])
    assert refused.exit_code == 2 and "stage" in refused.output


def test_the_api_gives_the_same_answer(client, db) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/api/v1/market/valuation/rnpv", json=REQUEST).status_code == 401
    person = make_person(db)
    _t, secret = auth.create_token(
        db, actor=auth.actor_for(db, person.id), data=TokenCreate(name="t")
    )
    db.flush()
    client.headers["Authorization"] = f"Bearer {secret}"
    r = client.post("/api/v1/market/valuation/rnpv", json=REQUEST)
    assert r.status_code == 200, r.text
    assert float(r.json()["rnpv"]) == pytest.approx(_by_hand(0.10, "phase1")[1], abs=0.01)
    bad = client.post("/api/v1/market/valuation/rnpv", json={**REQUEST, "rate": 3})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"].endswith("rate")
    table = client.get("/api/v1/market/valuation/success-rates")
    assert table.status_code == 200 and "BIO" in table.json()["source"]
