"""`labline market captable import|export|show`: an OCF package in, the same package out,
a bad one refused by field with exit code 2 and nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.cli import cli_runner
from tests.factories import make_org
from tests.market.captable.test_captable import package


def test_the_cli_imports_and_exports_ocf(tmp_path: Path) -> None:
    run = cli_runner(tmp_path)

    run("db", "upgrade")
    engine = create_engine(f"sqlite:///{tmp_path / 'labline.db'}")
    with Session(engine) as db:
        issuer = make_org(db).id
        db.commit()
    engine.dispose()
    source = tmp_path / "in.json"
    source.write_text(json.dumps(package(), ensure_ascii=False), encoding="utf-8")
    assert "2 stakeholders, 2 stock classes, 2 issuances" in run(
        "market", "captable", "import", str(issuer), str(source)
    )
    table = json.loads(run("market", "captable", "show", str(issuer), "--json"))
    assert table["total_shares"] == "4000000.0000000000" or float(table["total_shares"]) == 4e6
    out = tmp_path / "out.json"
    run("market", "captable", "export", str(issuer), "--out", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [s["id"] for s in exported["Stakeholders.ocf.json"]["items"]] == ["f1", "vc"]
    bad = package()
    bad["Transactions.ocf.json"]["items"][0]["stakeholder_id"] = "ghost"
    source.write_text(json.dumps(bad), encoding="utf-8")
    refused = run("market", "captable", "import", str(issuer), str(source), code=2)
    assert "items[0].stakeholder_id" in refused and "ghost" in refused
    after = json.loads(run("market", "captable", "show", str(issuer), "--json"))
    assert after == table
    assert "not_found" in run("market", "captable", "show", "999999", code=2)
