"""The optional language-model digest against a real HTTP server speaking the OpenAI
chat-completions shape, started in the test on 127.0.0.1: supported points are kept with
their citations, a hallucinated one is dropped and counted; without LABLINE_LLM_URL nothing
is offered or contacted."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from labline.config import Settings
from labline.core.access import command_line_actor
from labline.errors import Conflict, Unavailable
from labline.intel.digests import llm
from labline.intel.digests.service import llm_digest
from labline.intel.documents.readers import read_text
from labline.intel.documents.service.ingest import store
from labline.intel.documents.service.records import collection_named
from tests.factories import make_person, sign_in

CLI = command_line_actor("test")
TEXT = (
    "关于加强基础研究的意见\n"
    "基础研究是原始创新的源头，是科学体系的总开关。\n"
    "到2028年，基础研究经费占研发经费比重提高到12%以上。\n"
    "市财政每年安排不少于5亿元，稳定支持自由探索类研究。\n"
)
ANSWER = {
    "core_viewpoint": {"text": "基础研究是原始创新的源头", "citations": [2]},
    "groups": [
        {
            "heading": "加大投入",
            "points": [
                {"text": "到2028年基础研究经费占研发经费比重提高到12%以上", "citations": [3]},
                {"text": "市财政每年安排不少于5亿元支持自由探索类研究 [4]", "citations": []},
                # hallucinated: a number the cited paragraph does not hold
                {"text": "市财政每年安排不少于50亿元支持基础研究", "citations": [4]},
                # hallucinated: words the cited paragraph does not hold
                {"text": "全面建成世界领先的量子计算产业集群", "citations": [2]},
                # cites a paragraph that does not exist
                {"text": "基础研究是原始创新的源头", "citations": [40]},
            ],
        }
    ],
}


class Model(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, Any]]] = []
    content: str = "```json\n" + json.dumps(ANSWER, ensure_ascii=False) + "\n```"

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Model.requests.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        reply = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": Model.content},
                    "finish_reason": "stop",
                }
            ],
        }
        data = json.dumps(reply, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def model_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Model)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Model.requests.clear()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def doc_id(db) -> int:
    coll = collection_named(db, actor=CLI, name="llm-test")
    return store(db, collection=coll, parsed=read_text(TEXT.encode(), "policy.txt")).document.id


def test_supported_points_kept_hallucinated_dropped(db, settings, model_url, doc_id):
    configured = settings.model_copy(update={"llm_url": model_url, "llm_model": "tiny"})
    found = llm_digest(db, actor=CLI, settings=configured, document_id=doc_id)
    assert found.core_viewpoint is not None and found.core_viewpoint.citations == [2]
    points = [p for g in found.groups for p in g.points]
    assert [p.citations for p in points] == [[3], [4]]
    assert found.kept == 3 and found.dropped == 3
    reasons = [(d.reason, d.detail) for d in found.dropped_points]
    assert reasons[0] == ("numbers", "50") and reasons[2] == ("missing_paragraph", "40")
    assert reasons[1][0] == "unsupported" and float(reasons[1][1]) < 0.5
    sent = Model.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["body"]["model"] == "tiny"
    prompt = sent["body"]["messages"][1]["content"]
    assert "[3] 到2028年" in prompt and "Chinese" in sent["body"]["messages"][0]["content"]


def test_unusable_answers_are_a_clear_error(db, settings, model_url, doc_id, monkeypatch):
    configured = settings.model_copy(update={"llm_url": model_url})
    monkeypatch.setattr(Model, "content", "I cannot help with that.")
    with pytest.raises(Unavailable):
        llm_digest(db, actor=CLI, settings=configured, document_id=doc_id)
    gone = settings.model_copy(update={"llm_url": "http://127.0.0.1:9/v1", "llm_timeout_s": 2})
    with pytest.raises(Unavailable):
        llm_digest(db, actor=CLI, settings=gone, document_id=doc_id)


def test_without_the_setting_nothing_is_offered(db, settings, doc_id):
    assert settings.llm_url is None and not llm.enabled(settings)
    with pytest.raises(Conflict):
        llm_digest(db, actor=CLI, settings=settings, document_id=doc_id)


def test_pages_api_and_command(db, app, client, settings, model_url, doc_id):
    person = make_person(db)
    sign_in(client, person.email)
    page = client.get(f"/intel/documents/{doc_id}")
    assert page.status_code == 200 and "llm-offer" not in page.text
    assert client.get(f"/api/v1/intel/documents/{doc_id}/digest/llm").status_code == 409
    app.state.settings = settings.model_copy(update={"llm_url": model_url})
    assert "llm-offer" in client.get(f"/intel/documents/{doc_id}").text
    data = client.get(f"/api/v1/intel/documents/{doc_id}/digest/llm").json()
    assert data["kept"] == 3 and data["dropped"] == 3
    html = client.get(f"/intel/documents/{doc_id}/digest/llm?lang=zh").text
    assert 'data-testid="llm-digest"' in html and 'data-testid="dropped"' in html
    assert client.get(f"/api/v1/intel/documents/{doc_id}/digest/llm?lang=fr").status_code == 422


def test_settings_refuse_a_url_that_is_not_http():
    with pytest.raises(ValueError, match="llm_url"):
        Settings(env="test", llm_url="file:///etc/passwd")


def test_prompt_and_parse():
    assert llm._endpoint("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert llm._endpoint("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"
    assert llm.parse('Here: {"groups": []} done') == {"groups": []}
    with pytest.raises(Unavailable):
        llm.parse("[1, 2]")
