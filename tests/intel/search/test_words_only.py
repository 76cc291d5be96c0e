"""A first run without paragraph vectors (no worker has encoded the documents yet): the
search page, the JSON API and `labline intel search` say so plainly, in the reader's
language, and how to start the worker; once it has run they say nothing."""

from __future__ import annotations

import json

from labline.core.access import command_line_actor
from labline.core.indexes import service as indexes
from labline.intel.documents.schemas import TextDocumentCreate
from labline.intel.documents.service import ingest
from labline.intel.search import service
from tests.cli import cli_runner
from tests.factories import make_person
from tests.intel.documents.test_pages import sign_in
from tests.intel.files import ZH

CLI = command_line_actor("test")
EN_NOTE = "Results are found by their words only until the worker has encoded the documents"
ZH_NOTE = "在后台任务进程完成文献编码之前，检索结果仅按字词匹配"


def test_page_and_api_say_results_are_by_words_until_the_worker_has_run(
    client, db, settings, app, tmp_path
):
    # A server with a worker's queue (as deployed): it never encodes a paragraph itself.
    app.state.settings = settings.model_copy(update={"jobs": "sqlite"})
    ingest.ingest_text(
        db,
        actor=CLI,
        data=TextDocumentCreate(collection="p", title=ZH[0], text="\n".join(ZH)),
        data_dir=tmp_path,
    )
    sign_in(client, db, settings, make_person(db, password=False))
    client.cookies.set("labline_lang", "en")
    page = client.get("/intel/search", params={"q": "基础研究"})
    assert page.status_code == 200 and "<mark>基础研究</mark>" in page.text
    assert EN_NOTE in page.text and "labline worker" in page.text
    assert 'data-testid="words-only"' in page.text
    client.cookies.set("labline_lang", "zh")
    assert ZH_NOTE in client.get("/intel/search", params={"q": "基础研究"}).text
    api = client.get("/api/v1/intel/search", params={"q": "基础研究"}).json()
    waiting = len(ZH)
    assert api["words_only"]["waiting"] == api["words_only"]["paragraphs"] == waiting
    assert ZH_NOTE in api["words_only"]["note"] and api["results"]
    client.cookies.set("labline_lang", "en")
    assert (
        EN_NOTE
        in client.get("/api/v1/intel/search", params={"q": "x"}).json()["words_only"]["note"]
    )

    # The worker's job encodes them: nothing more is said.
    indexes.encode_tail(db, service.SPEC, indexes.directory_of(app.state, service.SPEC))
    assert not service.coverage(db, app.state).words_only
    again = client.get("/api/v1/intel/search", params={"q": "基础研究"}).json()
    assert again["words_only"] is None and again["results"]
    assert 'data-testid="words-only"' not in client.get("/intel/search?q=基础研究").text


def test_the_command_says_it_in_the_shell_language(tmp_path, monkeypatch):
    monkeypatch.setenv("LABLINE_JOBS", "sqlite")  # as deployed: the worker encodes
    run = cli_runner(tmp_path)
    src = tmp_path / "policy.txt"
    src.write_text("\n".join(ZH), encoding="utf-8")
    run("intel", "import", str(src), "--collection", "mine")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    out = run("intel", "search", "基础研究")
    assert EN_NOTE in out and "labline worker" in out
    found = json.loads(run("intel", "search", "基础研究", "--json"))
    assert found["results"] and EN_NOTE in found["words_only"]["note"]
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert ZH_NOTE in run("intel", "search", "基础研究")
