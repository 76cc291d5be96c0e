"""Proposal documents: the allowed types (sniffed from the content, the name must agree),
the size limit, storage under the SHA-256 (atomic, never overwritten), versions kept on
replacement, who uploads and until when, who reads; bad input stores nothing."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from labline.app import create_app
from labline.config import Settings
from labline.core.access import ANONYMOUS, command_line_actor
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotPermitted, NotSignedIn, TooLarge
from labline.review.demo.documents import tiny_pdf
from labline.review.documents import service as documents
from labline.review.documents.models import ProposalDocument
from labline.review.models import CallStatus, ProposalStatus, ReviewAssignment, ReviewConflict
from tests.factories import bearer, make_call, make_org, make_person, make_proposal, sign_in

SYSTEM = command_line_actor("test")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def ooxml(main: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/x.xml" ContentType="{main}"/></Types>',
        )
        z.writestr("x.xml", "<x/>")
    return buf.getvalue()


DOCX = ooxml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
XLSX = ooxml("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")


class CountingStream(io.BytesIO):
    """A stream that remembers how much was read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.served = 0

    def read(self, n: int | None = -1) -> bytes:
        chunk = super().read(n)
        self.served += len(chunk)
        return chunk


def _setup(db: Any) -> dict[str, Any]:
    call = make_call(db)
    org = make_org(db, kind="university")
    applicant = make_person(db, org=org)
    proposal = make_proposal(db, call=call, applicant=applicant, org=org)
    reviewer = make_person(db, roles=(Role.reviewer,))
    conflicted = make_person(db, roles=(Role.reviewer,))
    for r in (reviewer, conflicted):
        db.add(ReviewAssignment(call_id=call.id, proposal_id=proposal.id, reviewer_id=r.id))
    db.add(
        ReviewConflict(
            call_id=call.id, proposal_id=proposal.id, reviewer_id=conflicted.id, rule="declared"
        )
    )
    db.flush()
    return {
        "call": call,
        "proposal": proposal,
        "applicant": applicant,
        "reviewer": reviewer,
        "conflicted": conflicted,
    }


def _upload(db: Any, w: dict[str, Any], tmp: Path, name: str, data: bytes, **kw: Any) -> Any:
    return documents.upload(
        db,
        actor=kw.pop("actor", None) or actor_for(db, w["applicant"].id),
        proposal_id=w["proposal"].id,
        kind=kw.pop("kind", "other"),
        name=name,
        stream=kw.pop("stream", None) or io.BytesIO(data),
        data_dir=tmp,
        max_bytes=kw.pop("max_bytes", 20 * 1024 * 1024),
        **kw,
    )


def _stored(db: Any, tmp: Path) -> tuple[int, int]:
    rows = db.scalar(select(func.count()).select_from(ProposalDocument))
    files = (
        [p for p in (tmp / "review").rglob("*") if p.is_file()] if (tmp / "review").exists() else []
    )
    return int(rows or 0), len(files)


def test_each_allowed_type_is_sniffed_and_stored_under_its_hash(db, tmp_path):
    w = _setup(db)
    cases = [
        ("proposal.pdf", tiny_pdf(["Aims"]), "application/pdf"),
        (
            "plan.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("budget.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("figure.png", PNG, "image/png"),
        ("photo.JPG", JPEG, "image/jpeg"),
        ("说明.txt", "预算说明：设备与人员。".encode(), "text/plain; charset=utf-8"),
    ]
    for name, data, media in cases:
        doc = _upload(db, w, tmp_path, name, data)
        assert doc.media_type == media and doc.size == len(data) and doc.name == name
        stored = documents.blob_path(tmp_path, doc.sha256)
        assert stored.read_bytes() == data and not list(stored.parent.glob(".upload-*"))
    assert _stored(db, tmp_path) == (6, 6)


def test_replacing_keeps_every_version_and_never_overwrites_a_file(db, tmp_path):
    w = _setup(db)
    first = _upload(db, w, tmp_path, "v1.pdf", tiny_pdf(["one"]), kind="proposal_text")
    path = documents.blob_path(tmp_path, first.sha256)
    before = path.stat().st_mtime_ns
    # A second proposal text replaces the first; the first row and file stay.
    second = _upload(db, w, tmp_path, "v2.pdf", tiny_pdf(["two"]), kind="proposal_text")
    assert first.replaced_by_id == second.id and path.read_bytes() == tiny_pdf(["one"])
    # Letters of support accumulate; an explicit replacement names the old one.
    a = _upload(db, w, tmp_path, "a.txt", b"support A", kind="letter_of_support")
    b = _upload(db, w, tmp_path, "b.txt", b"support B", kind="letter_of_support")
    a2 = _upload(
        db, w, tmp_path, "a.txt", b"support A, signed", kind="letter_of_support", replaces=a.id
    )
    assert a.replaced_by_id == a2.id and b.replaced_by_id is None
    # The same bytes again: same hash, same file, untouched.
    again = _upload(db, w, tmp_path, "v1-again.pdf", tiny_pdf(["one"]), kind="cv")
    assert again.sha256 == first.sha256 and path.stat().st_mtime_ns == before
    applicant = actor_for(db, w["applicant"].id)
    current = documents.list_documents(db, actor=applicant, proposal_id=w["proposal"].id)
    assert {d.id for d in current} == {second.id, b.id, a2.id, again.id}
    history = documents.list_documents(
        db, actor=applicant, proposal_id=w["proposal"].id, history=True
    )
    assert len(history) == 6
    with pytest.raises(InvalidInput) as err:  # an old version cannot be replaced twice
        _upload(db, w, tmp_path, "a.txt", b"x", kind="letter_of_support", replaces=a.id)
    assert err.value.fields[0].field == "replaces"


BAD = [
    ("text named .pdf", "cv.pdf", b"just text", {}, InvalidInput, "the name says PDF"),
    ("PNG named .pdf", "cv.pdf", PNG, {}, InvalidInput, "the content is PNG"),
    ("a program", "setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00", {}, InvalidInput, "not one of"),
    ("a zip, not Office", "x.docx", b"PK\x03\x04" + b"\x00" * 30, {}, InvalidInput, "not one of"),
    ("empty", "empty.pdf", b"", {}, InvalidInput, "empty"),
    ("unknown kind", "a.pdf", tiny_pdf(["x"]), {"kind": "poem"}, InvalidInput, "cannot be added"),
    ("too large", "big.pdf", b"%PDF-" + b"0" * 5000, {"max_bytes": 1000}, TooLarge, "larger"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_files_are_refused_specifically_and_nothing_is_stored(db, tmp_path, case):
    _label, name, data, extra, error, words = case
    w = _setup(db)
    stream = CountingStream(data)
    with pytest.raises(error) as err:
        _upload(db, w, tmp_path, name, data, stream=stream, **extra)
    assert words in err.value.message
    assert _stored(db, tmp_path) == (0, 0)
    if "max_bytes" in extra:  # refused without reading the whole file
        assert stream.served <= extra["max_bytes"] + 1 < len(data)


def test_only_the_applicant_uploads_and_only_while_the_call_is_open(db, tmp_path):
    w = _setup(db)
    pdf = tiny_pdf(["x"])
    for who in (w["reviewer"], make_person(db), make_person(db, roles=(Role.committee_member,))):
        with pytest.raises(NotPermitted):
            _upload(db, w, tmp_path, "a.pdf", pdf, actor=actor_for(db, who.id))
    with pytest.raises(NotPermitted):  # the programme office does not file for applicants
        _upload(db, w, tmp_path, "a.pdf", pdf, actor=SYSTEM)
    with pytest.raises(NotSignedIn):
        documents.upload(
            db,
            actor=ANONYMOUS,
            proposal_id=w["proposal"].id,
            kind="cv",
            name="a.pdf",
            stream=io.BytesIO(pdf),
            data_dir=tmp_path,
            max_bytes=1000,
        )
    call = w["call"]
    call.closes_on = datetime.now(UTC).date() - timedelta(days=1)  # the deadline has passed
    db.flush()
    with pytest.raises(Conflict) as err:
        _upload(db, w, tmp_path, "a.pdf", pdf)
    assert "until" in err.value.message
    call.closes_on = datetime.now(UTC).date() + timedelta(days=3)
    call.status = CallStatus.reviewing
    w["proposal"].status = ProposalStatus.under_review
    db.flush()
    with pytest.raises(Conflict):
        _upload(db, w, tmp_path, "a.pdf", pdf)
    assert _stored(db, tmp_path) == (0, 0)


def test_who_reads_the_documents(db, tmp_path):
    w = _setup(db)
    doc = _upload(db, w, tmp_path, "a.pdf", tiny_pdf(["x"]))
    pid = w["proposal"].id
    readers = [
        w["applicant"],
        w["reviewer"],
        make_person(db, roles=(Role.committee_member,)),
        make_person(db, roles=(Role.platform_operator,)),
    ]
    for person in readers:
        got = documents.get_document(
            db, actor=actor_for(db, person.id), proposal_id=pid, document_id=doc.id
        )
        assert got.id == doc.id
    strangers = [w["conflicted"], make_person(db, roles=(Role.reviewer,)), make_person(db)]
    for person in strangers:
        with pytest.raises(NotPermitted):
            documents.list_documents(db, actor=actor_for(db, person.id), proposal_id=pid)
    with pytest.raises(NotSignedIn):
        documents.list_documents(db, actor=ANONYMOUS, proposal_id=pid)


def test_safe_names_and_download_header():
    assert documents.safe_name("../../etc/passwd") == "passwd"
    assert documents.safe_name("C:\\Users\\me\\报告\x00.pdf") == "报告.pdf"
    header = documents.content_disposition('a"b;\r\n报告.pdf')
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="a_b_') and "filename*=UTF-8''" in header


# --- web and API --------------------------------------------------------------------------------


def test_upload_form_with_csrf_then_download(client, db, settings):
    w = _setup(db)
    pid = w["proposal"].id
    sign_in(client, w["applicant"].email)
    page = client.get(f"/review/proposals/{pid}")
    assert 'enctype="multipart/form-data"' in page.text and 'name="kind"' in page.text
    token = client.cookies.get("labline_csrf")
    pdf = tiny_pdf(["Aims", "Methods"])
    no_token = client.post(
        f"/review/proposals/{pid}/documents",
        files={"file": ("p.pdf", pdf, "application/pdf")},
        data={"kind": "proposal_text"},
    )
    assert no_token.status_code == 403
    wrong = client.post(
        f"/review/proposals/{pid}/documents",
        files={"file": ("p.pdf", b"not a pdf", "application/pdf")},
        data={"kind": "proposal_text", "csrf_token": token},
    )
    assert wrong.status_code == 422 and 'id="file-error"' in wrong.text
    assert _stored(db, settings.data_dir) == (0, 0)
    ok = client.post(
        f"/review/proposals/{pid}/documents",
        files={"file": ("申报书.pdf", pdf, "application/octet-stream")},
        data={"kind": "proposal_text", "csrf_token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    page = client.get(f"/review/proposals/{pid}")
    assert "申报书.pdf" in page.text and 'data-testid="documents"' in page.text
    doc = db.scalars(select(ProposalDocument)).one()
    got = client.get(f"/review/proposals/{pid}/documents/{doc.id}")
    assert got.status_code == 200 and got.content == pdf
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"


def test_api_upload_list_download_and_refusals(client, db, settings):
    w = _setup(db)
    pid = w["proposal"].id
    auth = bearer(db, w["applicant"])
    url = f"/api/v1/review/proposals/{pid}/documents"
    made = client.post(
        url,
        files={"file": ("cv.txt", "简历 CV".encode(), "text/plain")},
        data={"kind": "cv"},
        headers=auth,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["kind"] == "cv" and body["media_type"].startswith("text/plain")
    listed = client.get(url, headers=bearer(db, w["reviewer"]))
    assert [d["id"] for d in listed.json()] == [body["id"]]
    got = client.get(f"{url}/{body['id']}/file", headers=bearer(db, w["reviewer"]))
    assert got.content == "简历 CV".encode()
    assert client.get(url, headers=bearer(db, w["conflicted"])).status_code == 403
    stranger = client.post(
        url, files={"file": ("cv.txt", b"x", "text/plain")}, headers=bearer(db, make_person(db))
    )
    assert stranger.status_code == 403
    empty = client.post(url, files={"file": ("e.pdf", b"", "application/pdf")}, headers=auth)
    assert empty.status_code == 422 and empty.json()["error"]["fields"][0]["field"] == "file"
    assert db.scalar(select(func.count()).select_from(ProposalDocument)) == 1


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    tmp_path, database_url, session_factory, db
):
    w = _setup(db)
    settings = Settings(
        env="test",
        data_dir=tmp_path,
        database_url=database_url,
        max_body_bytes=1000,
        document_max_bytes=2000,
    )
    app = create_app(settings, session_factory=session_factory)
    url = f"/api/v1/review/proposals/{w['proposal'].id}/documents"
    auth = bearer(db, w["applicant"])
    with TestClient(app) as c:
        big = c.post(url, files={"file": ("b.pdf", b"%PDF-" + b"0" * 200_000)}, headers=auth)
        assert big.status_code == 413 and "file is larger" in big.json()["error"]["message"]
        over = c.post(url, files={"file": ("b.pdf", b"%PDF-" + b"0" * 3000)}, headers=auth)
        assert over.status_code == 413 and over.json()["error"]["fields"][0]["field"] == "file"
        fits = c.post(url, files={"file": ("b.pdf", b"%PDF-" + b"0" * 1500)}, headers=auth)
        assert fits.status_code == 201
    assert _stored(db, tmp_path) == (1, 1)
