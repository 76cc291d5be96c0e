"""Demo paperwork for the decided call: a few proposals' documents (small PDFs and text
files generated here and stored in the data folder like any upload) and the call's
issued decision letters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from labline.core.access import command_line_actor
from labline.core.models import Person
from labline.review.demo.rows import next_id
from labline.review.documents.models import LetterIssue, ProposalDocument
from labline.review.documents.service import PDF, TEXT, store_blob
from labline.review.letters import service as letters
from labline.review.models import Proposal

if TYPE_CHECKING:
    from labline.demo.api import World

UPLOADED = datetime(2026, 7, 10, 9, tzinfo=UTC)
ISSUED = datetime(2026, 9, 16, 10, tzinfo=UTC)


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF showing the lines (ASCII) in Helvetica."""

    def esc(s: str) -> str:
        s = s.encode("ascii", "replace").decode()
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "BT /F1 12 Tf 72 760 Td 16 TL " + " ".join(f"({esc(x)}) '" for x in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode()),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def step_documents_and_letters(world: World, call_id: int, data_dir: Path | None) -> None:
    session = world.session
    proposals = session.scalars(
        select(Proposal).where(Proposal.call_id == call_id).order_by(Proposal.id)
    ).all()
    member = session.scalar(select(Person.id).where(Person.email == "member@labline.demo"))
    chosen = [p for p in proposals if p.applicant_id == member] + [
        p for p in proposals[:6] if p.applicant_id != member
    ]
    if data_dir is not None:
        rows: list[dict[str, Any]] = []
        doc_id = next_id(world, ProposalDocument)
        for i, p in enumerate(chosen[:6]):
            files = [
                (
                    "proposal_text",
                    f"proposal-{p.id}.pdf",
                    PDF.media_type,
                    tiny_pdf(
                        [p.title_en, "", "1. Aims", "2. Methods", "3. Work plan and milestones"]
                    ),
                ),
                (
                    "budget_justification",
                    f"budget-{p.id}.txt",
                    TEXT.media_type,
                    (
                        f"预算说明 Budget justification — proposal {p.id}\n"
                        f"设备 Equipment: ¥{p.requested_budget * 4 / 10:,.0f}\n"
                        f"人员 Staff: ¥{p.requested_budget * 4 / 10:,.0f}\n"
                        f"测试与差旅 Tests and travel: ¥{p.requested_budget * 2 / 10:,.0f}\n"
                    ).encode(),
                ),
            ]
            if i % 2 == 0:
                files.append(
                    (
                        "cv",
                        f"cv-applicant-{p.id}.pdf",
                        PDF.media_type,
                        tiny_pdf(["Curriculum vitae", "Education", "Selected publications"]),
                    )
                )
            for kind, name, media, data in files:
                sha = store_blob(data_dir, data)
                rows.append(
                    {
                        "id": doc_id + len(rows),
                        "proposal_id": p.id,
                        "kind": kind,
                        "name": name,
                        "media_type": media,
                        "size": len(data),
                        "sha256": sha,
                        "uploaded_by_id": p.applicant_id,
                        "uploaded_at": UPLOADED + timedelta(hours=len(rows)),
                        "replaced_by_id": None,
                    }
                )
        world.bulk("review", ProposalDocument, rows)
    # The programme office issues the decided call's letters (recorded in the audit trail).
    row: LetterIssue = letters.issue_letters(
        session, actor=command_line_actor("demo"), call_id=call_id
    )
    row.at = ISSUED
    session.flush()
