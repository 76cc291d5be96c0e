"""`labline review ...` end to end on the demo world: read the decided call, replay its
lottery, then run a new call from creation to decision."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from labline.cli import cli


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data_dir = tmp_path_factory.mktemp("review-cli")
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True) -> Any:
        result = runner.invoke(cli, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    invoke("demo", "--size", "small", "--seed", "5")
    invoke.db = data_dir / "labline.db"  # type: ignore[attr-defined]
    invoke.dir = data_dir  # type: ignore[attr-defined]
    return invoke


def _query(run: Any, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(run.db) as conn:
        return conn.execute(sql, args).fetchall()


def test_demo_call_is_decided_and_its_lottery_replays(run):
    listed = run("review", "calls").output
    assert "decided" in listed and "open" in listed
    ranking = run("review", "ranking", "1").output.splitlines()
    assert len(ranking) == 60
    assert any(" SN " in line or " N " in line for line in ranking)  # non-consensus flags
    assert sum("funded" in line for line in ranking) >= 10
    replay = run("review", "replay-lottery", "1").output
    assert "same draw as recorded" in replay
    figures = json.loads(
        run("review", "figures", "--from", "2026-01-01", "--to", "2027-01-01").output
    )
    # the decided call's 60 and the proposals of the demo's calls still under way
    assert figures["proposals"] >= 60 and 0 < figures["funded"] < 60
    assert figures["non_consensus_funded"] >= 1


def test_a_whole_call_from_the_command_line(run):
    today = datetime.now(UTC).date()
    spec = {
        "code": "CLI-1",
        "title_zh": "命令行指南",
        "title_en": "Command-line call",
        "budget": "300000",
        "reviewers_per_proposal": 1,
        "max_load": 2,
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=10)).isoformat(),
        "reviews_due": (today + timedelta(days=20)).isoformat(),
        "criteria": [
            {
                "code": "originality",
                "name_zh": "原创性",
                "name_en": "Originality",
                "is_originality": True,
            },
            {"code": "value", "name_zh": "价值", "name_en": "Value"},
        ],
    }
    path = Path(run.dir) / "call.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert "open" in run("review", "create-call", str(path), "--open").output
    call_id = _query(run, "SELECT id FROM review_calls WHERE code = 'CLI-1'")[0][0]
    member_org = _query(
        run,
        "SELECT m.organisation_id FROM memberships m JOIN people p ON p.id = m.person_id"
        " WHERE p.email = 'member@labline.demo'",
    )[0][0]
    proposal = {
        "call_id": call_id,
        "organisation_id": member_org,
        "title_zh": "钙钛矿叠层电池稳定性",
        "abstract_en": "Stability of perovskite tandem cells.",
        "keywords": "perovskite, tandem",
        "requested_budget": "200000",
    }
    ppath = Path(run.dir) / "proposal.json"
    ppath.write_text(json.dumps(proposal), encoding="utf-8")
    run("review", "submit", str(ppath), "--as", "member@labline.demo")
    again = run("review", "submit", str(ppath), "--as", "member@labline.demo", ok=False)
    assert again.exit_code != 0 and "already" in again.output
    expert_id, expert_email = _query(
        run,
        "SELECT p.id, p.email FROM people p JOIN review_panel r ON r.person_id = p.id"
        " WHERE p.email LIKE '%@expert.example.cn' ORDER BY p.id LIMIT 1",
    )[0]
    run("review", "close", str(call_id))
    run("review", "panel", str(call_id), str(expert_id))
    assigned = run("review", "assign", str(call_id)).output
    assert "ratio 1.0000 (OPTIMAL" in assigned, assigned
    pid = _query(run, "SELECT id FROM review_proposals WHERE call_id = ?", call_id)[0][0]
    owed = run("review", "reminders", str(call_id)).output
    assert expert_email in owed and f"owes 1: {pid}" in owed
    bad = run(
        "review",
        "score",
        str(pid),
        "--as",
        expert_email,
        "--score",
        "originality=12",
        "--score",
        "value=5",
        ok=False,
    )
    assert bad.exit_code != 0 and "originality is scored from 1 to 9" in bad.output
    run(
        "review",
        "score",
        str(pid),
        "--as",
        expert_email,
        "--score",
        "originality=8",
        "--score",
        "value=7",
        "--comment",
        "promising",
    )
    assert "1 proposals reviewed" in run("review", "analyse", str(call_id)).output
    assert "1 funded" in run("review", "decide", str(call_id), "--seed", "9").output
    status = _query(run, "SELECT status, decision FROM review_proposals WHERE id = ?", pid)
    # The reason is stored as a code with its parameters, not as a sentence.
    assert status[0][0] == "funded"
    assert json.loads(status[0][1]) == {"code": "funded_rank", "rank": 1}


def test_replay_refuses_when_the_inputs_changed(run):
    candidates = json.loads(
        _query(run, "SELECT candidates FROM review_lotteries WHERE call_id = 1")[0][0]
    )
    with sqlite3.connect(run.db) as conn:
        conn.execute(
            "UPDATE review_proposals SET calibrated_score = calibrated_score + 0.1 WHERE id = ?",
            (candidates[0],),
        )
    out = run("review", "replay-lottery", "1", ok=False)
    assert out.exit_code != 0 and "changed" in out.output


def test_discussion_and_milestones_from_the_command_line(run):
    # The demo's non-consensus dossiers carry a thread; after the decision it is read-only.
    (pid,) = _query(run, "SELECT proposal_id FROM review_discussion_posts ORDER BY id LIMIT 1")[0]
    shown = run("review", "discuss", str(pid), "--as", "committee@labline.demo").output
    assert "#1 " in shown and "\n  #2 " in shown  # a reply, indented under its parent
    closed = run(
        "review", "discuss", str(pid), "--body", "late", "--as", "committee@labline.demo", ok=False
    )
    assert closed.exit_code == 2 and "discussion is closed" in closed.output
    outsider = run("review", "discuss", str(pid), "--as", "reviewer@labline.demo", ok=False)
    assert outsider.exit_code == 2 and "not_permitted" in outsider.output
    # The demo's first plan: milestone 1 released, milestone 2 reported, milestone 3 planned.
    rows = _query(
        run,
        "SELECT proposal_id, id, status FROM review_milestones WHERE proposal_id ="
        " (SELECT proposal_id FROM review_milestones WHERE status = 'released' LIMIT 1)"
        " ORDER BY position",
    )
    (fid, _m1, s1), (_f, m2, s2), (_g, m3, s3) = rows
    assert (s1, s2, s3) == ("released", "reported", "planned")
    listed = run("review", "milestones", str(fid)).output
    assert "released" in listed and "remaining" in listed
    early = run("review", "milestones", str(fid), "release", str(m3), ok=False)
    assert early.exit_code == 2 and "in order" in early.output
    assert "released" in run("review", "milestones", str(fid), "release", str(m2)).output
    no_report = run("review", "milestones", str(fid), "release", str(m3), ok=False)
    assert no_report.exit_code == 2 and "no report yet" in no_report.output
    assert _query(run, "SELECT status FROM review_milestones WHERE id = ?", m3) == [("planned",)]
    # A new plan on a funded proposal without one; too much money is refused.
    (bare,) = _query(
        run,
        "SELECT id FROM review_proposals WHERE status = 'funded' AND id NOT IN"
        " (SELECT proposal_id FROM review_milestones) ORDER BY id LIMIT 1",
    )[0]
    over = run(
        "review", "milestones", str(bare), "plan", "--milestone", "A|2027-06-30|999999999", ok=False
    )
    assert over.exit_code == 2 and "more than the award" in over.output
    planned = run(
        "review", "milestones", str(bare), "plan", "--milestone", "Pilot|2027-06-30|100000"
    )
    assert "1 milestones" in planned.output
