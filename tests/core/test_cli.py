"""The `labline` command end to end on a real SQLite data folder."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from labline.cli import cli


@pytest.fixture()
def run(tmp_path: Path):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, ok: bool = True):
        result = runner.invoke(
            cli, ["--data-dir", str(tmp_path), *args], input=input, catch_exceptions=False
        )
        if ok:
            assert result.exit_code == 0, result.output
        return result

    invoke.data_dir = tmp_path  # type: ignore[attr-defined]
    return invoke


def test_demo_then_users_and_tokens(run):
    out = run("demo", "--size", "small", "--seed", "3").output
    assert "operator@labline.demo" in out and "labline-demo-2026" in out
    # A second run keeps the existing world.
    assert "keeping it" in run("demo").output
    listed = json.loads(run("users", "list", "--role", "reviewer", "--json").output)
    assert [p["email"] for p in listed] == ["reviewer@labline.demo"]
    run(
        "users",
        "create",
        "new@x.cn",
        "--name",
        "新人",
        "--password",
        "long enough pw",
        "--role",
        "analyst",
    )
    token = run("users", "token", "new@x.cn").output.strip()
    assert token.startswith("llt_")
    bad = run("users", "create", "not-an-email", "--name", "x", ok=False)
    assert bad.exit_code != 0


def test_db_upgrade_backup_restore(run):
    run("demo", "--size", "small")
    assert "→" in run("db", "upgrade").output
    backup = run.data_dir / "b.zip"
    run("db", "backup", str(backup))
    run("users", "create", "later@x.cn", "--name", "后来")
    run("db", "restore", str(backup), "--yes")
    emails = [p["email"] for p in json.loads(run("users", "list", "--json").output)]
    assert "later@x.cn" not in emails
    junk = run.data_dir / "junk.zip"
    junk.write_text("hello")
    r = run("db", "restore", str(junk), "--yes", ok=False)
    assert r.exit_code == 2 and "not a labline backup" in r.output


def test_audit_verify_finds_tampering(run):
    run("demo", "--size", "small")
    assert "intact" in run("audit", "verify").output
    con = sqlite3.connect(run.data_dir / "labline.db")
    con.execute("DROP TRIGGER audit_records_no_update")
    con.execute("UPDATE audit_records SET actor = 'mallory' WHERE seq = 2")
    con.commit()
    con.close()
    r = run("audit", "verify", ok=False)
    assert r.exit_code == 1 and "BROKEN at record 2" in r.output


def test_orgs_import_reports_every_bad_row_and_imports_nothing(run):
    run("db", "upgrade")
    good = "name_zh,name_en,kind,region_code,industry_code\n甲公司,Jia Co,enterprise,320500,3825\n"
    bad = good + "乙公司,Yi Co,castle,320500,3825\n丙公司,Bing Co,enterprise,999999,3825\n"
    f = run.data_dir / "orgs.csv"
    f.write_text(bad, encoding="utf-8")
    r = run("orgs", "import", str(f), ok=False)
    assert r.exit_code == 2
    assert "row 3: kind" in r.output and "row 4: region_code" in r.output
    out = run.data_dir / "out.json"
    run("orgs", "export", str(out))
    assert json.loads(out.read_text()) == []
    f.write_text(good, encoding="utf-8")
    assert "imported 1" in run("orgs", "import", str(f)).output
    for suffix in ("csv", "xlsx", "json"):
        target = run.data_dir / f"export.{suffix}"
        assert "exported 1" in run("orgs", "export", str(target)).output
    # What was exported imports again (round trip through Excel), as a fresh world would.
    (run.data_dir / "labline.db").unlink()
    assert "imported 1" in run("orgs", "import", str(run.data_dir / "export.xlsx")).output


def test_users_time_zone_sets_clears_and_names_an_unknown_zone(run):
    run("users", "create", "tz@x.cn", "--name", "时区")

    def zone() -> str | None:
        people = json.loads(run("users", "list", "--json").output)
        return next(p["time_zone"] for p in people if p["email"] == "tz@x.cn")

    assert "Asia/Shanghai" in run("users", "time-zone", "tz@x.cn", "Asia/Shanghai").output
    assert zone() == "Asia/Shanghai"
    bad = run("users", "time-zone", "tz@x.cn", "Europe/Berln", ok=False)
    assert bad.exit_code == 2
    assert "Unknown time zone 'Europe/Berln'" in bad.output and "Europe/Berlin" in bad.output
    assert zone() == "Asia/Shanghai"  # unchanged
    nowhere = run("users", "time-zone", "tz@x.cn", "Nowhere/Atlantis", ok=False)
    assert nowhere.exit_code == 2 and "Unknown time zone" in nowhere.output
    both = run("users", "time-zone", "tz@x.cn", "UTC", "--platform", ok=False)
    assert both.exit_code == 2 and zone() == "Asia/Shanghai"
    nobody = run("users", "time-zone", "nobody@x.cn", "UTC", ok=False)
    assert nobody.exit_code == 2 and "Nobody has this e-mail address" in nobody.output
    run("users", "time-zone", "tz@x.cn", "--platform")
    assert zone() is None
