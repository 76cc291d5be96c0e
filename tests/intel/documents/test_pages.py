"""The document page and the search page through the app: digest with citations that link
to numbered paragraphs, English glosses of Chinese headings in the English interface only,
marked terms in results, an import through the form."""

from __future__ import annotations

import re

from labline.core.access import command_line_actor
from labline.core.models import Role
from labline.core.service import auth
from labline.intel.digests.service import gloss
from labline.intel.documents.schemas import TextDocumentCreate
from labline.intel.documents.service import ingest
from tests.factories import make_person
from tests.intel.files import ZH

CLI = command_line_actor("test")


def sign_in(client, db, settings, person) -> None:
    client.cookies.set("labline_session", auth.open_session(db, settings=settings, person=person))
    db.flush()


def test_document_and_search_pages(client, db, settings, tmp_path):
    doc = ingest.ingest_text(
        db,
        actor=CLI,
        data=TextDocumentCreate(collection="p", title=ZH[0], text="\n".join(ZH)),
        data_dir=tmp_path,
    ).document
    sign_in(client, db, settings, make_person(db, password=False))

    client.cookies.set("labline_lang", "en")
    page = client.get(f"/intel/documents/{doc.id}")
    assert page.status_code == 200
    html = page.text
    assert "Core viewpoint" in html and "示政发〔2026〕3号" in html
    for n in set(re.findall(r'href="#p(\d+)"', html)):
        assert f'id="p{n}"' in html  # every citation links to a numbered paragraph
    headings = re.findall(r"<h3>Group \d+: ([^<]+?)(?: <span|</h3>)", html)
    glossed = [h for h in headings if gloss(h.strip())]
    for h in glossed:
        assert f"({gloss(h.strip())})" in html.replace("&#39;", "'")
    assert glossed and "data-record>(" in html  # the glosses hold the record's own words
    client.cookies.set("labline_lang", "zh")
    zh = client.get(f"/intel/documents/{doc.id}").text
    assert "核心观点" in zh and "data-record>(" not in zh  # no glosses in the Chinese interface

    found = client.get("/intel/search", params={"q": "基础研究", "digest": "true"})
    assert found.status_code == 200
    assert "<mark>基础研究</mark>" in found.text
    assert client.get("/intel/search", params={"q": "x", "since": "June"}).status_code == 422


def test_import_form_reports_rejections(client, db, settings):
    analyst = make_person(db, roles=(Role.analyst,), password=False)
    sign_in(client, db, settings, analyst)
    client.get("/intel")
    token = client.cookies.get("labline_csrf") or ""
    files = {"file": ("note.txt", "\n".join(ZH).encode("gb18030"), "text/plain")}
    ok = client.post("/intel/import", files=files, data={"csrf_token": token, "collection": "f"})
    assert ok.status_code == 200 and "Imported: 1" in ok.text
    bad = {"file": ("empty.txt", b"", "text/plain")}
    refused = client.post("/intel/import", files=bad, data={"csrf_token": token})
    assert "Rejected: 1" in refused.text and "empty.txt" in refused.text
