"""Briefings: title, source, date, digest with citations, cited paragraphs in an appendix;
Chinese rendered with a CJK font in the PDF."""

from __future__ import annotations

import io

import docx
import pytest
from pypdf import PdfReader

from labline.core.access import command_line_actor
from labline.core.service.auth import actor_for
from labline.errors import NotPermitted
from labline.intel.briefings import render, service
from labline.intel.briefings.schemas import BriefingCreate
from labline.intel.documents.schemas import TextDocumentCreate
from labline.intel.documents.service import ingest
from tests.factories import make_person
from tests.intel.files import EN, ZH

CLI = command_line_actor("test")


@pytest.fixture()
def ids(db, tmp_path):
    out = []
    for title, paragraphs, source in (("意见", ZH, "示例市人民政府"), ("Remarks", EN, "Office")):
        stored = ingest.ingest_text(
            db,
            actor=CLI,
            data=TextDocumentCreate(
                collection="b", title=title, text="\n".join(paragraphs), source=source
            ),
            data_dir=tmp_path,
        )
        out.append(stored.document.id)
    return out


def make(db, ids, fmt):
    data = BriefingCreate(document_ids=ids, format=fmt, title="简报 Briefing")
    return service.make(db, actor=CLI, data=data)


def test_markdown_has_the_layout_and_cited_paragraphs(db, ids):
    content, media, name = make(db, ids, "md")
    text = content.decode()
    assert media.startswith("text/markdown") and name.endswith(".md")
    assert text.startswith("# 简报 Briefing")
    assert "## 1. 意见" in text and "示例市人民政府" in text and "Core viewpoint" in text
    appendix = text.split("Appendix: cited paragraphs")[1]
    cited = [line for line in appendix.splitlines() if line.startswith("[")]
    assert cited and all(
        line.split("] ", 1)[1] in ZH + EN for line in cited
    )  # cited paragraphs verbatim


def test_docx_and_pdf_carry_the_chinese_text(db, ids):
    content, _media, _name = make(db, ids, "docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
    assert "简报 Briefing" in paragraphs and any("示例市人民政府" in p for p in paragraphs)
    content, media, _name = make(db, ids, "pdf")
    assert media == "application/pdf"
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "基础研究" in text and "Remarks" in text
    # The Chinese font is in the file (a viewer without Asian fonts shows it too): the
    # installed WenQuanYi Micro Hei (fonts-wqy-microhei), not reportlab's STSong-Light,
    # which only names a font the viewer must have.
    embedded = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            for face in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                descriptor = face.get("/FontDescriptor")
                if descriptor is not None:
                    files = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object())
                    embedded[str(font["/BaseFont"])] = bool(files)
    assert render.cjk_font() == render.EMBEDDED_FONT  # the machine has a CJK font file
    assert any("WenQuanYi" in name for name in embedded), embedded
    assert embedded and all(embedded.values()), embedded  # every font is in the file


def test_members_cannot_export(db, ids):
    member = actor_for(db, make_person(db, password=False).id)
    with pytest.raises(NotPermitted):
        service.make(db, actor=member, data=BriefingCreate(document_ids=ids))


def test_a_briefing_names_documents_or_a_query():
    with pytest.raises(ValueError, match="document_ids"):
        BriefingCreate()


def test_the_briefing_link_takes_a_search_or_says_what_it_needs(client, db, ids):
    """`/intel/briefing?q=…` answered the 422 error page: `ids` was required."""
    from labline.core.models import Role
    from tests.factories import sign_in

    sign_in(client, make_person(db, roles=(Role.analyst,)).email)
    client.get("/lang/en")
    r = client.get("/intel/briefing", params={"q": "基础研究", "format": "md"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    r = client.get("/intel/briefing", headers={"accept": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "ids", r.text
