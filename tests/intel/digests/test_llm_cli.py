"""`labline intel digest ID --llm` goes through the same stored run as the page: the command
stores a run, performs it as the worker's job does (against a real OpenAI-compatible HTTP
server started in the test), prints the checked digest, and the page and the API show that
run afterwards without asking the model again."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from labline.app import create_app
from labline.cli import cli
from labline.config import Settings
from labline.db import make_engine, make_sessionmaker
from labline.intel.digests.models import LlmDigestRun
from labline.intel.documents.models import Document
from tests.cli import cli_runner
from tests.factories import bearer, make_person, sign_in
from tests.intel.digests.conftest import TEXT, Model


def test_the_command_line_digest_is_a_stored_run(tmp_path: Path, model_url, monkeypatch):
    monkeypatch.setenv("LABLINE_LLM_URL", model_url)
    monkeypatch.setenv("LABLINE_LLM_MODEL", "tiny")
    run = cli_runner(tmp_path)

    (tmp_path / "policy.txt").write_text(TEXT, encoding="utf-8")
    run("intel", "import", str(tmp_path / "policy.txt"), "--collection", "llm")
    session = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'labline.db'}"))()
    doc_id = session.scalar(select(Document.id))
    session.rollback()  # end the read, so the command's writes are seen

    out = json.loads(run("intel", "digest", str(doc_id), "--llm", "--json"))
    assert out["kept"] == 3 and out["dropped"] == 3 and out["core_viewpoint"]["citations"] == [2]
    assert len(Model.requests) == 1
    run_row = session.get(LlmDigestRun, out["run_id"])
    assert run_row is not None and run_row.state == "done" and run_row.attempts == 1
    text = run("intel", "digest", str(doc_id), "--llm")
    assert f"Run {out['run_id'] + 1} (stored" in text and "3 dropped as unsupported" in text

    # The page and the API show the stored runs; nobody asks the model again.
    session.rollback()  # a fresh read: the second command wrote since
    person = make_person(session)
    headers = bearer(session, person)
    session.commit()
    settings = Settings(env="test", data_dir=tmp_path, llm_url=model_url, llm_model="tiny")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        shown = client.get(f"/api/v1/intel/llm-digests/{out['run_id']}", headers=headers).json()
        assert shown["state"] == "done" and shown["result"]["kept"] == 3
        latest = client.get(
            f"/api/v1/intel/documents/{doc_id}/digest/llm?lang=zh", headers=headers
        ).json()
        assert latest["id"] == out["run_id"] + 1 and latest["finished"]
        sign_in(client, person.email)
        page = client.get(f"/intel/documents/{doc_id}/digest/llm?lang=zh").text
        assert 'data-testid="dropped"' in page
    assert len(Model.requests) == 2  # the two commands, nothing since


def test_a_failed_command_line_digest_is_stored_as_failed(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LABLINE_LLM_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    (tmp_path / "policy.txt").write_text(TEXT, encoding="utf-8")
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert (
        runner.invoke(cli, [*base, "intel", "import", str(tmp_path / "policy.txt")]).exit_code == 0
    )
    result = runner.invoke(cli, [*base, "intel", "digest", "1", "--llm"])
    assert result.exit_code == 2 and "did not answer" in result.output
    session = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'labline.db'}"))()
    failed = session.scalars(select(LlmDigestRun)).one()
    assert failed.state == "failed" and failed.error and failed.finished_at is not None
