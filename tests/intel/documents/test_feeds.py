"""Feed polling against a local HTTP server: entries imported once, a page that is not a
feed and a server that does not answer are recorded as failed polls."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from labline.core.access import command_line_actor
from labline.intel.documents.feeds import fetch_feed
from labline.intel.documents.models import Document, FeedPoll
from labline.intel.documents.schemas import FeedCreate, FeedPollRead
from labline.intel.documents.service import feeds
from tests.intel import files
from tests.intel.files import EN

CLI = command_line_actor("test")
FEED = files.feed(
    [
        ("Funding for basic research", "http://example.org/1", "<p>" + EN[2] + "</p>"),
        ("Universities' output", "http://example.org/2", "<p>" + EN[1] + "</p><p>More.</p>"),
        ("A bare link", "http://example.org/3", ""),
    ]
)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body, kind = (FEED, "application/rss+xml")
        if self.path == "/page":
            body, kind = (b"<!DOCTYPE html><html><body>Welcome</body></html>", "text/html")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def silent() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/feed"
    sock.close()


def quick(url: str) -> bytes:
    return fetch_feed(url, timeout=1.0)


def test_poll_imports_new_entries_once_and_records_it(db, server):
    feeds.add_feed(db, actor=CLI, data=FeedCreate(url=f"{server}/rss", collection="news"))
    ((_feed, first),) = feeds.poll_all(db, actor=CLI, fetch=quick)
    assert (first.entries, first.imported, first.error) == (2, 2, "")  # the bare link is no doc
    titles = set(db.scalars(select(Document.title)))
    assert titles == {"Funding for basic research", "Universities' output"}
    ((_feed, second),) = feeds.poll_all(db, actor=CLI, fetch=quick)
    assert (second.entries, second.imported) == (2, 0)
    # Said as such: the entries are there from the first poll (the command printed
    # "2 entries, imported 0, duplicates 0, rejected 0", leaving the reader to guess).
    assert FeedPollRead.model_validate(second).already == 2
    assert FeedPollRead.model_validate(first).already == 0
    assert len(db.scalars(select(FeedPoll)).all()) == 2


def test_html_instead_of_a_feed_and_a_timeout_are_recorded(db, server, silent):
    feeds.add_feed(db, actor=CLI, data=FeedCreate(url=f"{server}/page", collection="news"))
    feeds.add_feed(db, actor=CLI, data=FeedCreate(url=silent, collection="news"))
    done = {f.url: p for f, p in feeds.poll_all(db, actor=CLI, fetch=quick)}
    assert "HTML page" in done[f"{server}/page"].error
    assert "no answer within 1 s" in done[silent].error
    assert all(p.imported == 0 for p in done.values())
    assert db.scalars(select(Document)).all() == []
