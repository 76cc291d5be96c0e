"""`labline search` on a database file: every kind of record, grouped by kind, through the
one search box's service, as the command line (an operator) or `--as` a person, who finds
only what they may see."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from labline.cli import cli
from labline.core import database
from labline.core.models import Role
from labline.db import make_engine, make_sessionmaker
from tests.core.directory.test_search_everything import WORD, build_world
from tests.factories import make_person

KINDS = {"organisation", "instrument", "need", "achievement", "call", "document"}


@pytest.fixture()
def folder(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'labline.db'}")
    database.upgrade(engine)
    session = make_sessionmaker(engine)()
    ids: dict[str, Any] = build_world(session)
    ids["member"] = make_person(session, roles=(Role.member,)).email
    session.commit()
    session.close()
    engine.dispose()
    return tmp_path, ids


def _run(data_dir: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "search", *args])
    assert result.exit_code == code, result.output
    return result.output


def _ids(groups: list[dict[str, Any]]) -> dict[str, set[int]]:
    return {g["kind"]: {f["id"] for f in g["found"]} for g in groups}


def test_every_kind_as_the_api_groups_it(folder):
    data_dir, ids = folder
    groups = json.loads(_run(data_dir, WORD, "--json"))
    assert {g["kind"] for g in groups} >= KINDS
    first = groups[0]
    assert {"kind", "label_en", "label_zh", "found"} <= set(first)
    assert {"path", "title", "score", "lexical", "bridge", "semantic", "matched_terms"} <= set(
        first["found"][0]
    )
    found = _ids(groups)
    for kind in KINDS:
        assert ids[kind] in found[kind], kind
    # The command line acts as an operator: drafts and every collection are its to find.
    assert ids["draft_call"] in found["call"]
    assert ids["private_document"] in found["document"]
    only = json.loads(_run(data_dir, WORD, "--kind", "need", "--json"))
    assert [g["kind"] for g in only] == ["need"]


def test_as_a_person_finds_only_what_they_may_see(folder):
    data_dir, ids = folder
    found = _ids(json.loads(_run(data_dir, WORD, "--as", ids["member"], "--json")))
    assert ids["call"] in found["call"] and ids["draft_call"] not in found["call"]
    assert ids["document"] in found["document"]
    assert ids["private_document"] not in found["document"]
    assert "nobody has the e-mail address" in _run(
        data_dir, WORD, "--as", "nobody@example.cn", code=1
    )


def test_text_output_and_refusals(folder):
    data_dir = folder[0]
    out = _run(data_dir, WORD)
    assert "Instruments (仪器设备): 1" in out and "Funding calls (项目指南)" in out
    assert "/facilities/instruments/" in out and "matched: magnetocaloric" in out
    assert "nothing found" in _run(data_dir, "asdkjhqwe")
    bad = _run(data_dir, WORD, "--kind", "castle", code=2)
    assert "kind: unknown kind 'castle'" in bad and "instrument" in bad
