"""Every 'Bad input' item of issue 15, in one folder imported as a user imports one: each
bad file gets a specific refusal naming the file and the problem, and changes nothing else
(the good files beside it are imported, nothing of the bad ones is stored).

The feed items (a feed that times out, a feed URL that returns an HTML page) are polled
against a local HTTP server in test_feeds.py
(test_html_instead_of_a_feed_and_a_timeout_are_recorded); a saved page posing as a feed
file is refused here.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from sqlalchemy import func, select

from labline.core.access import command_line_actor
from labline.intel.documents import readers
from labline.intel.documents.models import Document, Paragraph
from labline.intel.documents.service import ingest, records
from tests.intel import files
from tests.intel.files import EN, ZH

CLI = command_line_actor("test")
TRADITIONAL = "關於加強基礎研究的意見。基礎研究是原始創新的源頭。"


def zip_bomb(path: Path, unpacked_mb: int) -> Path:
    """A DOCX-named zip whose document part unpacks to `unpacked_mb` MB of zeros (a few
    hundred kB on disk)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                part.write(chunk)
    return path


# file name -> (the words for the problem, the refusal's reason, words of its message)
BAD = {
    "locked.pdf": ("encrypted PDF", "encrypted", "encrypted"),
    "broken.pdf": ("corrupt PDF", "corrupt", "PDF"),
    "scan.pdf": ("scanned PDF without a text layer", "no_text_layer", "OCR"),
    "bomb.docx": ("zip bomb", "zip_bomb", "not unpacked"),
    "bomb.pdf": (
        "a compressed stream in a PDF inflating to a gigabyte",
        "compression_bomb",
        "inflates",
    ),
    "huge.txt": ("1 GB file, size limit checked before reading", "too_large", "not read"),
    "nav.html": ("HTML with no main text", "no_main_text", ""),
    "mixed.txt": ("mixed encodings in one file", "encoding", ""),
    "empty.txt": ("empty document", "empty", "empty"),
    "blank.md": ("a document of invisible characters only", "empty", ""),
    "one-block.txt": ("a 5 MB single paragraph", "paragraph_too_long", "paragraph 1"),
    "page.xml": ("an HTML page posing as a feed", "not_a_feed", ""),
}
GOOD = ("gb18030.txt", "big5.txt", "utf-16.txt")


def bad_folder(tmp: Path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    src = tmp / "in"
    src.mkdir()
    files.pdf(src / "locked.pdf", [EN], encrypt="secret")
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    files.pdf(src / "scan.pdf", [[], []])
    # The limit lowered so that the bomb stays small to make: 40 MB unpacked against 16.
    monkeypatch.setattr(readers, "MAX_UNPACKED_BYTES", 16 * 1024 * 1024)
    zip_bomb(src / "bomb.docx", 40)
    pdf_bomb(src / "bomb.pdf", 1024)
    with (src / "huge.txt").open("wb") as fh:  # sparse: 1 GB that takes no disk
        fh.seek(1024**3 - 1)
        fh.write(b"\0")
    (src / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    text = "\n".join(ZH) * 2
    (src / "mixed.txt").write_bytes(text.encode("utf-8") + text.encode("gb18030"))
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.md").write_text("\n \u200b\n\u3000\n")
    (src / "one-block.txt").write_text("创新" * 2_500_000)
    (src / "page.xml").write_text("<!DOCTYPE html><html><body>Not a feed</body></html>")
    (src / "gb18030.txt").write_bytes("\n".join(ZH).encode("gb18030"))
    (src / "big5.txt").write_bytes((TRADITIONAL + "\n" + TRADITIONAL[:9]).encode("big5"))
    (src / "utf-16.txt").write_bytes(("\n".join(EN)).encode("utf-16"))
    return src


def test_each_bad_file_is_refused_by_name_and_problem_and_changes_nothing(
    db, tmp_path, monkeypatch
):
    coll = records.collection_named(db, actor=CLI, name="bad-input")
    src = bad_folder(tmp_path, monkeypatch)
    report = ingest.ingest_paths(
        db, actor=CLI, paths=[src], collection=coll, data_dir=tmp_path / "data"
    )
    refused = {Path(r.file).name: r for r in report.rejected}
    assert sorted(refused) == sorted(BAD)
    for name, (problem, reason, words) in BAD.items():
        r = refused[name]
        assert r.reason == reason, f"{name} ({problem}): {r.reason} {r.message}"
        assert name in r.file and words in r.message, f"{name} ({problem}): {r.message}"
    # The good files beside them (three encodings) are imported, and only they.
    stored = db.scalars(select(Document.file_name)).all()
    assert sorted(Path(f).name for f in stored) == sorted(GOOD)
    assert db.scalar(select(func.count(Paragraph.id))) == len(ZH) + 2 + len(EN)
    big5 = db.scalar(select(Document).where(Document.file_name.like("%big5.txt")))
    assert big5.paragraphs[0].text == TRADITIONAL


def test_a_zip_bomb_is_refused_without_unpacking_it(tmp_path, monkeypatch):
    """The refusal comes from the sizes the zip's directory declares, before any part is
    unpacked (python-docx would inflate the whole part into memory)."""
    monkeypatch.setattr(readers, "MAX_UNPACKED_BYTES", 1024 * 1024)
    path = zip_bomb(tmp_path / "bomb.docx", 3)
    try:
        readers.read_file(path)
    except readers.Rejected as exc:
        assert exc.reason == "zip_bomb" and str(path) in exc.message
        assert "3,145,736 bytes" in exc.message  # 3 MB of zeros and the 8-byte types part
    else:
        raise AssertionError("the zip bomb was read")


def pdf_bomb(path: Path, inflated_mb: int, pages: int = 1) -> Path:
    """A PDF whose pages' FlateDecode content streams each inflate to `inflated_mb` MB of
    spaces (about a thousandth of that on disk), written object by object."""
    pack = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    packed = b"".join(pack.compress(chunk) for _ in range(inflated_mb)) + pack.flush()
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    for i in range(pages):
        page = f"/Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R"
        objects.append(f"<< {page} >>".encode())
        objects.append(
            f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode()
            + packed
            + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))
    return path


def test_a_pdf_whose_stream_inflates_to_a_gigabyte_is_refused(tmp_path):
    """1 GB of spaces in one FlateDecode stream, about 1 MB on disk: pypdf's limit (set for
    the read) stops the inflating at the first 32 MB, and the refusal names the file."""
    path = pdf_bomb(tmp_path / "bomb.pdf", 1024)
    assert path.stat().st_size < 2 * 1024 * 1024
    try:
        readers.read_file(path)
    except readers.Rejected as exc:
        assert exc.reason == "compression_bomb" and str(path) in exc.message
        assert "inflates" in exc.message and "not unpacked further" in exc.message
    else:
        raise AssertionError("the PDF bomb was read")


def test_a_pdf_whose_pages_inflate_too_far_together_is_refused(tmp_path, monkeypatch):
    """Each page's stream is under the per-stream limit; together they pass the total."""
    monkeypatch.setattr(readers, "MAX_UNPACKED_BYTES", 8 * 1024 * 1024)
    path = pdf_bomb(tmp_path / "pages.pdf", 3, pages=4)
    try:
        readers.read_file(path)
    except readers.Rejected as exc:
        assert exc.reason == "compression_bomb" and str(path) in exc.message
        assert "by page 3" in exc.message
    else:
        raise AssertionError("the PDF bomb was read")
