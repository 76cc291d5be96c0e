"""A real HTTP server speaking the OpenAI chat-completions shape, started on 127.0.0.1 for
the language-model digest tests (an external system, not one of our components), and a
stored policy document to digest."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from labline.core.access import command_line_actor
from labline.intel.documents.readers import read_text
from labline.intel.documents.service.ingest import store
from labline.intel.documents.service.records import collection_named

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
