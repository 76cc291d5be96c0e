"""The one search box: instruments, needs, achievements, calls, organisations and documents
found from the header's search box, grouped by kind, each kind asked through its module's
Searchable and showing only what the asker may see; gibberish still finds nothing."""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest

from labline.core.models import Role
from labline.intel.documents.models import Collection
from labline.intel.documents.readers import Parsed, _checked, paragraphs_of, sha256_of
from labline.intel.documents.service.ingest import store
from labline.search.dense import UniversalSentenceEncoder
from tests.factories import (
    make_achievement,
    make_call,
    make_instrument,
    make_need,
    make_org,
    make_person,
    sign_in,
)

WORD = "magnetocaloric"


def _document(db, title: str, collection: Collection) -> int:
    text = f"{title}.\nThe {WORD} refrigeration pilot line reaches 40 kelvin of cooling."
    parsed = _checked(
        Parsed(
            title,
            paragraphs_of(text),
            "text",
            sha256_of(text.encode()),
            source="Office of Science",
            issued_on=date(2026, 3, 1),
        ),
        title,
    )
    return store(db, collection=collection, parsed=parsed).document.id


def build_world(db) -> dict[str, int]:
    """A record of every findable kind that has the word, plus what a member may not find:
    a draft call and another organisation's private document."""
    org = make_org(db, name_zh="磁制冷材料研究院", name_en=f"Institute of {WORD.title()} Materials")
    ids = {
        "organisation": org.id,
        "instrument": make_instrument(
            db, name_en=f"{WORD.title()} effect test bench", name_zh="磁热效应测试台"
        ).id,
        "need": make_need(db, title=f"{WORD} cooling module for cold-chain trucks").id,
        "achievement": make_achievement(db, title=f"{WORD.title()} alloy regenerator").id,
        "call": make_call(db, title_en=f"{WORD.title()} refrigeration programme").id,
        "draft_call": make_call(
            db, title_en=f"Draft {WORD} refrigeration programme", status="draft"
        ).id,
    }
    public = Collection(name="public")
    private = Collection(name="private", organisation_id=org.id)
    db.add_all([public, private])
    db.flush()
    ids["document"] = _document(db, f"Plan for {WORD} refrigeration", public)
    ids["private_document"] = _document(db, f"Internal {WORD} roadmap", private)
    return ids


@pytest.fixture()
def world(db):
    return build_world(db)


def _found(client, q: str) -> dict[str, set[int]]:
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200
    out: dict[str, set[int]] = {}
    for section in re.findall(r'data-kind="(\w+)".*?</section>', page.text, re.S):
        out[section] = set()
    for kind, body in re.findall(r'data-kind="(\w+)"(.*?)</section>', page.text, re.S):
        out[kind] = {int(i) for i in re.findall(r'href="/[\w/]+/(\d+)"', body)}
    return out


def test_every_kind_found_from_the_one_box_grouped_by_kind(client, db, world):
    member = make_person(db, roles=(Role.member,))
    sign_in(client, member.email)
    found = _found(client, WORD)
    assert world["instrument"] in found["instrument"]
    assert world["need"] in found["need"]
    assert world["achievement"] in found["achievement"]
    assert world["call"] in found["call"]
    assert world["document"] in found["document"]
    assert world["organisation"] in found["organisation"]
    # What the member may not see is not found: a draft call, another organisation's
    # private documents.
    assert world["draft_call"] not in found["call"]
    assert world["private_document"] not in found["document"]


def test_signed_out_visitors_find_no_documents(client, db, world):
    found = _found(client, WORD)
    assert world["instrument"] in found["instrument"] and "document" not in found


def test_the_header_carries_the_search_box(client):
    page = client.get("/")
    assert re.search(r'<form class="header-search"[^>]*action="/search"', page.text)
    assert 'data-testid="header-search"' in page.text


def test_gibberish_finds_nothing_of_any_kind(client, db, world):
    page = client.get("/search", params={"q": "asdkjhqwe"})
    assert page.status_code == 200 and 'data-testid="search-hit"' not in page.text
    assert 'data-testid="search-nothing"' in page.text


def test_one_kind_and_the_json_api(client, db, world):
    operator = make_person(db, roles=(Role.platform_operator,))
    sign_in(client, operator.email)
    groups = client.get("/api/v1/search/everything", params={"q": WORD}).json()
    kinds = [g["kind"] for g in groups]
    assert {"instrument", "need", "achievement", "call", "document", "organisation"} <= set(kinds)
    # Operators manage calls: the draft is theirs to find; so are private documents.
    calls = next(g for g in groups if g["kind"] == "call")["found"]
    assert world["draft_call"] in {f["id"] for f in calls}
    only = client.get("/api/v1/search/everything", params={"q": WORD, "kind": "need"}).json()
    assert [g["kind"] for g in only] == ["need"]
    bad = client.get("/api/v1/search/everything", params={"q": WORD, "kind": "castle"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "kind"
    assert "instrument" in bad.json()["error"]["fields"][0]["allowed"]["allowed"]


def test_one_search_encodes_its_query_once_for_every_index(client, db, world, monkeypatch):
    """Organisations, instruments, calls, the market and documents share one encoder: the
    query is encoded once per search, not once per index."""
    operator = make_person(db, roles=(Role.platform_operator,))
    sign_in(client, operator.email)
    assert client.get("/search", params={"q": WORD}).status_code == 200  # indexes caught up
    calls: list[list[str]] = []
    encode = UniversalSentenceEncoder.encode

    def counted(self, texts):  # the real encoder, counted
        calls.append(list(texts))
        return encode(self, texts)

    monkeypatch.setattr(UniversalSentenceEncoder, "encode", counted)
    query = f"{WORD} cooling"  # not searched before (documents keep a cache of queries)
    page = client.get("/search", params={"q": query})
    assert page.status_code == 200
    kinds = set(re.findall(r'data-kind="(\w+)"', page.text))
    assert {"organisation", "instrument", "need", "achievement", "call", "document"} <= kinds
    assert calls == [[query]]
    calls.clear()
    groups = client.get("/api/v1/search/everything", params={"q": f"{WORD} alloy"}).json()
    assert len(groups) >= 5 and calls == [[f"{WORD} alloy"]]


def _shares(page_text: str) -> list[tuple[int, int, int]]:
    return [
        (int(a), int(b), int(c))
        for a, b, c in re.findall(
            r'data-testid="search-shares" data-words="(\d+)" data-translation="(\d+)"'
            r' data-meaning="(\d+)"',
            page_text,
        )
    ]


def test_each_result_shows_what_its_score_is_made_of_in_both_languages(client, db, world):
    """Words, translation and meaning, as /api/v1/search gives them, on every result of the
    one search box, in the reader's language."""
    member = make_person(db, roles=(Role.member,))
    sign_in(client, member.email)
    page = client.get("/search", params={"q": WORD})
    hits = page.text.count('data-testid="search-hit"')
    shares = _shares(page.text)
    # Each result scored above 0 (here not the only instrument, need and achievement:
    # the only record of an index scores 0) says what its score is made of.
    assert hits >= 6 and len(shares) >= 3
    assert all(98 <= sum(s) <= 102 for s in shares), shares  # whole percents of one score
    assert any(s[0] > 0 for s in shares)  # the word itself matched
    assert re.search(r"words \d+% · translation \d+% · meaning \d+%", page.text)
    # A Chinese query finds the English records through its translation.
    bridged = _shares(client.get("/search", params={"q": "制冷"}).text)
    assert bridged and any(s[1] > 0 for s in bridged)
    client.get("/lang/zh")
    page = client.get("/search", params={"q": WORD})
    assert re.search(r"字词 \d+% · 翻译 \d+% · 语义 \d+%", page.text)
    assert "words " not in page.text
    api = client.get("/api/v1/search/everything", params={"q": WORD}).json()
    found = [f for g in api for f in g["found"]]
    assert found and all({"lexical", "bridge", "semantic"} <= set(f) for f in found)
    assert any(f["lexical"] > 0 for f in found)


def test_a_result_shows_a_word_of_the_query_or_of_its_translation(client, db, world):
    """Sentence vectors rank every record somewhere, and a small index's best is always
    "meaning 100%": a microscope is not an answer to the word."""
    microscope = make_instrument(db, name_en="Confocal laser microscope", name_zh="共聚焦显微镜")
    found = _found(client, WORD)
    assert world["instrument"] in found["instrument"]
    assert microscope.id not in found["instrument"]


def test_a_search_does_not_wait_for_an_index_another_request_is_opening(client, db, world):
    """A kind whose index another request is opening for the first time (at a server that
    has just started, for an index without a snapshot) is answered at once as still being
    indexed, beside the other kinds' results, instead of queueing every search behind that
    request; it is searched again once open."""
    from labline.core.indexes import service as indexes
    from labline.market.service.market_index import SPEC

    opening = indexes._locks.setdefault(SPEC.name, threading.Lock())
    with opening:  # another request holds it while it opens the market's index
        page = client.get("/search", params={"q": WORD})
        groups = client.get("/api/v1/search/everything", params={"q": WORD}).json()
    assert page.status_code == 200
    sections = dict(re.findall(r'data-kind="(\w+)"(.*?)</section>', page.text, re.S))
    for kind in ("need", "achievement"):
        assert 'data-testid="search-opening"' in sections[kind]
        assert 'data-testid="search-hit"' not in sections[kind]
    assert f'href="/facilities/instruments/{world["instrument"]}"' in sections["instrument"]
    by_kind = {g["kind"]: g for g in groups}
    assert by_kind["need"]["opening"] is True and by_kind["need"]["found"] == []
    assert by_kind["instrument"]["opening"] is False and by_kind["instrument"]["found"]
    found = _found(client, WORD)  # the lock is free: the market opens and is searched
    assert world["need"] in found["need"] and world["achievement"] in found["achievement"]
    assert 'data-testid="search-opening"' not in client.get("/search", params={"q": WORD}).text
