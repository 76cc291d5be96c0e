"""The language-model digest as a background job, against a real OpenAI-compatible HTTP
server started in the test: the request only stores a run and enqueues it; the worker's
job (driven here as `labline worker` drives it) asks the model and stores the checked
digest; the page polls the run; a model that keeps failing leaves the run failed and the
job on the operators' page."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from labline.config import Settings
from labline.core.indexes import jobs
from labline.core.indexes.service import job_failures
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.intel.digests.models import LlmDigestRun
from tests.factories import bearer, make_person, sign_in
from tests.intel.digests.conftest import Model


@pytest.fixture()
def worker(tmp_path, session_factory, monkeypatch):
    """A queue the test drains as the worker would: SQLite storage, no immediate runs."""
    monkeypatch.setattr(jobs, "RETRY_DELAY_S", 0)
    huey = jobs.configure(
        Settings(env="test", data_dir=tmp_path / "queue", jobs="sqlite"), session_factory
    )

    def drain(settings: Settings) -> int:
        jobs._state.settings = settings  # the worker's own settings (its LLM URL)
        ran = 0
        while (task := huey.dequeue()) is not None:
            ran += 1
            huey.execute(task)
        return ran

    yield SimpleNamespace(huey=huey, drain=drain)
    jobs.configure(Settings(env="test", jobs="inline"))


def _configured(app, settings, url):  # type: ignore[no-untyped-def]
    app.state.settings = settings.model_copy(update={"llm_url": url, "llm_model": "tiny"})
    return app.state.settings


def test_the_request_enqueues_and_the_page_shows_progress_then_the_digest(
    db, app, client, settings, model_url, doc_id, worker
):
    person = make_person(db)
    h = bearer(db, person)
    sign_in(client, person.email)
    assert client.post(f"/api/v1/intel/documents/{doc_id}/digest/llm", headers=h).status_code == 409
    configured = _configured(app, settings, model_url)
    page = client.get(f"/intel/documents/{doc_id}/digest/llm?lang=zh")
    assert page.status_code == 200 and 'data-testid="llm-ask"' in page.text
    assert 'data-testid="llm-run"' not in page.text  # never asked
    r = client.post(f"/api/v1/intel/documents/{doc_id}/digest/llm?lang=zh", headers=h)
    assert r.status_code == 202, r.text
    run = r.json()
    assert run["state"] == "queued" and not run["finished"] and run["result"] is None
    assert Model.requests == []  # the request did not call the model
    again = client.post(f"/api/v1/intel/documents/{doc_id}/digest/llm?lang=zh", headers=h).json()
    assert again["id"] == run["id"]  # one run under way, not two
    fragment = client.get(f"/intel/llm-digests/{run['id']}").text
    assert 'data-state="queued"' in fragment and 'hx-trigger="every 1s"' in fragment
    assert worker.drain(configured) == 1
    assert len(Model.requests) == 1
    done = client.get(f"/api/v1/intel/llm-digests/{run['id']}", headers=h).json()
    assert done["state"] == "done" and done["finished"] and done["attempts"] == 1
    assert done["result"]["kept"] == 3 and done["result"]["dropped"] == 3
    assert done["result"]["core_viewpoint"]["citations"] == [2]
    fragment = client.get(f"/intel/llm-digests/{run['id']}").text
    assert 'data-testid="llm-digest"' in fragment and "hx-trigger" not in fragment
    page = client.get(f"/intel/documents/{doc_id}/digest/llm?lang=zh").text
    assert 'data-testid="dropped"' in page  # the stored result, no new call
    assert len(Model.requests) == 1
    latest = client.get(f"/api/v1/intel/documents/{doc_id}/digest/llm?lang=zh", headers=h).json()
    assert latest["id"] == run["id"]
    assert (
        client.get(f"/api/v1/intel/documents/{doc_id}/digest/llm?lang=en", headers=h).status_code
        == 404
    )
    assert (
        client.post(f"/api/v1/intel/documents/{doc_id}/digest/llm?lang=fr", headers=h).status_code
        == 422
    )


def test_the_page_form_asks_and_redirects_to_the_progress(
    db, app, client, settings, model_url, doc_id, worker
):
    sign_in(client, make_person(db).email)
    _configured(app, settings, model_url)
    token = client.cookies.get("labline_csrf")
    r = client.post(
        f"/intel/documents/{doc_id}/digest/llm",
        data={"lang": "en", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?lang=en")
    page = client.get(r.headers["location"]).text
    assert 'data-state="queued"' in page and "hx-get" in page


def test_a_model_that_keeps_failing_leaves_the_run_failed_and_the_job_kept(
    db, app, client, settings, model_url, doc_id, worker, monkeypatch
):
    monkeypatch.setattr(Model, "content", "I cannot help with that.")
    person = make_person(db)
    h = bearer(db, person)
    sign_in(client, person.email)
    configured = _configured(app, settings, model_url)
    run = client.post(f"/api/v1/intel/documents/{doc_id}/digest/llm", headers=h).json()
    assert worker.drain(configured) == jobs.RETRIES + 1
    failed = client.get(f"/api/v1/intel/llm-digests/{run['id']}", headers=h).json()
    assert failed["state"] == "failed" and failed["finished"]
    assert failed["attempts"] == jobs.RETRIES + 1 and "no JSON object" in failed["error"]
    page = client.get(f"/intel/llm-digests/{run['id']}").text
    assert 'data-testid="llm-failed"' in page
    operator = actor_for(db, make_person(db, roles=(Role.platform_operator,)).id)
    kept = job_failures(db, actor=operator)
    assert [f.task for f in kept] == ["intel_llm_digest"]
    assert json.loads(kept[0].arguments)[0] == [run["id"]]
    sign_in(client, make_person(db, roles=(Role.platform_operator,)).email)
    assert "intel_llm_digest" in client.get("/admin/jobs").text


def test_a_rolled_back_request_enqueues_nothing(db, settings, model_url, doc_id, worker):
    from labline.core.access import command_line_actor
    from labline.intel.digests import llm_runs

    configured = settings.model_copy(update={"llm_url": model_url})
    savepoint = db.begin_nested()
    llm_runs.request_digest(
        db, actor=command_line_actor("t"), settings=configured, document_id=doc_id
    )
    savepoint.rollback()
    db.rollback()
    assert worker.drain(configured) == 0
    assert db.query(LlmDigestRun).count() == 0
