"""Every intel route against every actor.

The world: a published collection with a document, a collection private to the enterprise
(whose admin and member may read it), and a collection private to another organisation
(only operators may read it). The member owns a watch and an inbox item.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from labline.app import create_app
from labline.config import Settings
from labline.core.models import Role
from labline.intel.digests.models import LlmDigestRun
from labline.intel.documents.models import Collection
from labline.intel.documents.readers import read_text
from labline.intel.documents.service.ingest import store
from labline.intel.watches.models import DocumentInboxItem, DocumentWatch
from tests.factories import make_need, make_org, make_person
from tests.permissions import ACTORS, Case, only, request_in_shared_world, signed_in

ANALYSTS = ("platform_operator", "analyst")
ENTERPRISE = ("platform_operator", "org_admin", "member")
TEXT = "关于加强基础研究的意见\n基础研究是原始创新的源头。到2028年基础研究经费占比提高到12%。\n"


def owner_only(ok: int) -> dict[str, int]:
    return {a: 401 if a == "anonymous" else (ok if a == "member" else 404) for a in ACTORS}


def readers(ok: int, allowed: tuple[str, ...]) -> dict[str, int]:
    return {a: 401 if a == "anonymous" else (ok if a in allowed else 404) for a in ACTORS}


MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/intel/collections"): Case(signed_in()),
    ("POST", "/api/v1/intel/collections"): Case(only(201, ANALYSTS), body={"name": "c-{actor}"}),
    ("POST", "/api/v1/intel/documents/import"): Case(
        only(201, ANALYSTS), upload="title,text\nnot a supported file type,\n"
    ),
    ("POST", "/api/v1/intel/documents"): Case(
        only(201, ANALYSTS),
        body={"collection": "public", "title": "Posted {actor}", "text": "Text posted by {actor}."},
    ),
    ("GET", "/api/v1/intel/documents"): Case(signed_in()),
    ("GET", "/api/v1/intel/documents/{public_id}"): Case(signed_in()),
    ("GET", "/api/v1/intel/documents/{private_id}?own"): Case(readers(200, ENTERPRISE)),
    ("GET", "/api/v1/intel/documents/{foreign_id}?foreign"): Case(
        readers(200, ("platform_operator",))
    ),
    ("GET", "/api/v1/intel/documents/{public_id}/digest"): Case(signed_in()),
    ("GET", "/api/v1/intel/documents/{public_id}/links"): Case(signed_in()),
    ("GET", "/api/v1/intel/documents/{private_id}/links?own"): Case(readers(200, ENTERPRISE)),
    ("GET", "/api/v1/intel/documents/{foreign_id}/links?foreign"): Case(
        readers(200, ("platform_operator",))
    ),
    ("GET", "/api/v1/intel/about?term=基础研究"): Case(signed_in()),
    # no language model in this world: a clear 409 for whoever may read the document
    ("GET", "/api/v1/intel/documents/{public_id}/digest/llm"): Case(signed_in(409)),
    ("GET", "/api/v1/intel/documents/{foreign_id}/digest/llm?foreign"): Case(
        readers(409, ("platform_operator",))
    ),
    ("POST", "/api/v1/intel/documents/{public_id}/digest/llm"): Case(signed_in(409)),
    ("POST", "/api/v1/intel/documents/{foreign_id}/digest/llm?foreign"): Case(
        readers(409, ("platform_operator",))
    ),
    # a run asked for before (by whoever): shown to whoever may read its document
    ("GET", "/api/v1/intel/llm-digests/{run_id}"): Case(signed_in()),
    ("GET", "/api/v1/intel/llm-digests/{foreign_run_id}?foreign"): Case(
        readers(200, ("platform_operator",))
    ),
    ("GET", "/api/v1/intel/feeds"): Case(only(200, ANALYSTS)),
    ("POST", "/api/v1/intel/feeds"): Case(
        only(201, ANALYSTS),
        body={"url": "http://127.0.0.1:9/{actor}.xml", "collection": "public"},
    ),
    ("GET", "/api/v1/intel/feeds/polls"): Case(only(200, ANALYSTS)),
    ("GET", "/api/v1/intel/search?q=基础研究"): Case(signed_in()),
    ("GET", "/api/v1/intel/search/topic?q=basic%20research"): Case(signed_in()),
    ("GET", "/api/v1/intel/watches"): Case(signed_in()),
    ("POST", "/api/v1/intel/watches"): Case(signed_in(201), body={"query": "原始创新"}),
    ("DELETE", "/api/v1/intel/watches/{watch_id}"): Case(owner_only(204)),
    ("GET", "/api/v1/intel/inbox"): Case(signed_in()),
    ("POST", "/api/v1/intel/inbox/{item_id}/read"): Case(owner_only(200)),
    ("POST", "/api/v1/intel/briefings"): Case(
        only(200, ANALYSTS), body={"document_ids": ["{public_id}"], "format": "md"}
    ),
    # pages
    ("GET", "/intel"): Case(signed_in()),
    ("POST", "/intel/import"): Case(only(200, ANALYSTS), upload="a,b\n1,2\n"),
    ("GET", "/intel/documents/{public_id}"): Case(signed_in()),
    ("GET", "/intel/documents/{private_id}?own"): Case(readers(200, ENTERPRISE)),
    ("GET", "/intel/search?q=basic%20research&digest=true"): Case(signed_in()),
    ("GET", "/intel/documents/{public_id}/links"): Case(signed_in()),
    ("GET", "/intel/documents/{public_id}/digest/llm"): Case(signed_in(409)),
    ("POST", "/intel/documents/{public_id}/digest/llm"): Case(signed_in(409), form={}),
    ("GET", "/intel/llm-digests/{run_id}"): Case(signed_in()),
    ("GET", "/intel/llm-digests/{foreign_run_id}?foreign"): Case(
        readers(200, ("platform_operator",))
    ),
    ("GET", "/intel/documents/{private_id}/links?own"): Case(readers(200, ENTERPRISE)),
    ("GET", "/intel/about/need/{need_id}"): Case(signed_in()),
    ("GET", "/intel/about/organisation/{org_id}"): Case(signed_in()),
    ("GET", "/intel/briefing?ids={public_id}&format=md"): Case(only(200, ANALYSTS)),
    ("GET", "/intel/watches"): Case(signed_in()),
    ("POST", "/intel/watches"): Case(signed_in(303), form={"query": "basic research"}),
    ("POST", "/intel/watches/{watch_id}"): Case(owner_only(303), form={}),
    ("POST", "/intel/inbox/{item_id}"): Case(owner_only(303), form={}),
}

ALIASES = {
    "/need/{need_id}": "/{kind}/{record_id}",
    "/organisation/{org_id}": "/{kind}/{record_id}",
    "{public_id}": "{document_id}",
    "{private_id}": "{document_id}",
    "{foreign_id}": "{document_id}",
    "{foreign_run_id}": "{run_id}",
}


def declared(route: tuple[str, str]) -> tuple[str, str]:
    method, path = route
    for alias, name in ALIASES.items():
        path = path.replace(alias, name)
    return method, path.split("?")[0]


@pytest.fixture(scope="module")
def shared(engine, tmp_path_factory) -> Iterator[SimpleNamespace]:
    conn = engine.connect()
    outer = conn.begin()
    factory = sessionmaker(
        bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    db = factory()
    enterprise, other = make_org(db), make_org(db)
    people: dict[str, Any] = {}
    for role in Role:
        if role in (Role.org_admin, Role.member):
            people[role.value] = make_person(db, org=enterprise, org_role=role, password=False)
        else:
            people[role.value] = make_person(db, roles=(role,), password=False)
    public = Collection(name="public")
    own = Collection(name="enterprise-only", organisation_id=enterprise.id)
    foreign = Collection(name="other-only", organisation_id=other.id)
    db.add_all([public, own, foreign])
    db.flush()
    docs = {}
    for key, coll, text in (
        ("{public_id}", public, TEXT + "Basic research is the source of original innovation.\n"),
        ("{private_id}", own, TEXT + "企业内部。\n"),
        ("{foreign_id}", foreign, TEXT + "其他单位。\n"),
    ):
        parsed = read_text(text.encode(), f"{key}.txt")
        docs[key] = store(db, collection=coll, parsed=parsed).document.id
    watch = DocumentWatch(
        person_id=people["member"].id, query="基础研究", checked_at=datetime.now(UTC)
    )
    db.add(watch)
    db.flush()
    item = DocumentInboxItem(
        person_id=people["member"].id,
        watch_id=watch.id,
        document_id=docs["{public_id}"],
        title="inbox item",
    )
    db.add(item)
    db.flush()
    need = make_need(db, org=other, field="基础研究")
    runs = {
        key: LlmDigestRun(document_id=docs[doc], language="zh", state="queued")
        for key, doc in (("{run_id}", "{public_id}"), ("{foreign_run_id}", "{foreign_id}"))
    }
    db.add_all(runs.values())
    db.flush()
    ids = {
        **docs,
        "{watch_id}": watch.id,
        "{item_id}": item.id,
        "{need_id}": need.id,
        "{org_id}": other.id,
        **{key: run.id for key, run in runs.items()},
    }
    data_dir = tmp_path_factory.mktemp("intel-perm")
    settings = Settings(env="test", data_dir=data_dir, database_url=str(engine.url))
    app = create_app(settings, session_factory=factory)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield SimpleNamespace(
            conn=conn,
            db=db,
            client=client,
            settings=settings,
            world={"org": enterprise, "people": people, "target": people["member"], "token": None},
            ids=ids,
        )
    db.close()
    outer.rollback()
    conn.close()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_permission(shared, route, actor):
    method = route[0]
    case = MATRIX[route]
    url, r = request_in_shared_world(shared, route, case, actor)
    assert r.status_code == case.expect[actor], f"{method} {url} as {actor}: {r.text[:300]}"
