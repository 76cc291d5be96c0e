"""Reading each kind of file, and a specific refusal naming the file for each bad one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from labline.intel.documents.readers import Rejected, find_doc_number, read_file
from tests.intel import files
from tests.intel.files import EN, ZH


def rejected(path: Path, **kw: int) -> Rejected:
    with pytest.raises(Rejected) as info:
        read_file(path, **kw)
    assert str(path) in info.value.message  # the error names the file
    return info.value


def test_text_keeps_paragraphs_numbers_and_finds_metadata(tmp_path):
    (doc,) = read_file(tmp_path.joinpath("a.txt").write_text("\n".join(ZH)) and tmp_path / "a.txt")
    assert doc.paragraphs == ZH
    assert doc.doc_number == "示政发〔2026〕3号"
    assert doc.issued_on == date(2026, 3, 12)
    assert doc.language == "zh"
    assert doc.title == ZH[0]
    assert len(doc.sha256) == 64


def test_hard_wrapped_english_lines_are_joined(tmp_path):
    path = tmp_path / "wrapped.md"
    path.write_text(
        "# Title here\n\nThis sentence is wrapped over two lines because the author\n"
        "used a narrow editor window.\n\nSecond paragraph.\n"
    )
    (doc,) = read_file(path)
    assert doc.title == "Title here"
    assert doc.paragraphs[1] == (
        "This sentence is wrapped over two lines because the author used a narrow editor window."
    )
    assert doc.doc_type == "markdown"


def test_doc_number_in_the_head_only():
    assert find_doc_number(["标题", "国发〔2024〕7号"]) == "国发〔2024〕7号"
    assert find_doc_number(["标题", *["正文"] * 10, "依据国发〔2015〕43号"]) == ""


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-16"])
def test_chinese_encodings_are_read(tmp_path, encoding):
    text = "關於加強基礎研究的意見。基礎研究是原始創新的源頭。\n" * 3
    if encoding == "gb18030":
        text = "\n".join(ZH)
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    (doc,) = read_file(path)
    assert doc.paragraphs[0] == text.split("\n")[0]


def test_mixed_encodings_are_refused(tmp_path):
    path = tmp_path / "mixed.txt"
    text = "\n".join(ZH) * 2
    path.write_bytes(text.encode("utf-8") + text.encode("gb18030"))
    assert rejected(path).reason == "encoding"


def test_empty_and_invisible_only_files_are_refused(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("\n \u200b\n\u3000\n")
    assert rejected(tmp_path / "empty.txt").reason == "empty"
    assert rejected(tmp_path / "blank.txt").reason == "empty"


def test_a_5mb_single_paragraph_is_refused(tmp_path):
    path = tmp_path / "one-block.txt"
    path.write_text("创新" * 2_500_000)
    err = rejected(path)
    assert err.reason == "paragraph_too_long" and "paragraph 1" in err.message


def test_size_limit_is_checked_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as fh:  # a sparse 1 GB file: reading it would take a while
        fh.seek(1024**3 - 1)
        fh.write(b"\0")
    err = rejected(path, max_bytes=10_000_000)
    assert err.reason == "too_large" and "1,073,741,824" in err.message


def test_unsupported_type_is_refused(tmp_path):
    (tmp_path / "table.csv").write_text("a,b\n")
    assert rejected(tmp_path / "table.csv").reason == "unsupported"


def test_pdf_pages_and_text(tmp_path):
    path = files.pdf(tmp_path / "doc.pdf", [ZH[:3], ZH[3:]])
    (doc,) = read_file(path)
    assert doc.pages == 2
    assert doc.doc_type == "pdf"
    assert "示政发〔2026〕3号" in doc.paragraphs
    assert any("12%" in p and "5亿元" in p for p in doc.paragraphs)


def test_encrypted_corrupt_and_scanned_pdfs_are_refused(tmp_path):
    locked = files.pdf(tmp_path / "locked.pdf", [EN], encrypt="secret")
    assert rejected(locked).reason == "encrypted"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    assert rejected(broken).reason == "corrupt"
    scanned = files.pdf(tmp_path / "scan.pdf", [[], []])
    err = rejected(scanned)
    assert err.reason == "no_text_layer" and "OCR" in err.message


def test_docx(tmp_path):
    (doc,) = read_file(files.docx(tmp_path / "d.docx", ["", *EN], title="Remarks"))
    assert doc.title == "Remarks"
    assert doc.paragraphs == EN
    assert doc.language == "en"
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert rejected(broken).reason == "corrupt"


def test_html_main_text_without_boilerplate(tmp_path):
    (doc,) = read_file(files.html(tmp_path / "p.html", EN[1:] * 2, title="Remarks"))
    assert EN[1] in doc.paragraphs and EN[2] in doc.paragraphs
    assert not any("Sitemap" in p or "Section 3" in p for p in doc.paragraphs)
    nav_only = tmp_path / "nav.html"
    nav_only.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    assert rejected(nav_only).reason == "no_main_text"


def test_jsonl_fields_and_bad_lines(tmp_path):
    good = tmp_path / "good.jsonl"
    rows = [
        {"title": "A", "text": "\n".join(ZH), "date": "2026-03-12", "issuer": "示例市人民政府"},
        {"title": "B", "text": "\n".join(EN), "source": "Office", "url": "http://x.org/b"},
    ]
    good.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    a, b = read_file(good)
    assert (a.title, a.source, a.issued_on, a.language) == (
        "A",
        "示例市人民政府",
        date(2026, 3, 12),
        "zh",
    )
    assert (b.source, b.url, b.language) == ("Office", "http://x.org/b", "en")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rows[0], ensure_ascii=False) + '\n{"title": "no text"}\nnot json\n')
    err = rejected(bad)
    assert (
        err.reason == "bad_lines" and "line 2: no text" in err.message and "line 3" in err.message
    )


def test_feed_file_and_an_html_page_posing_as_one(tmp_path):
    path = tmp_path / "f.rss"
    path.write_bytes(files.feed([("Policy one", "http://example.org/1", "<p>" + EN[1] + "</p>")]))
    (doc,) = read_file(path)
    assert (doc.title, doc.url, doc.issued_on) == (
        "Policy one",
        "http://example.org/1",
        date(2026, 11, 2),
    )
    page = tmp_path / "page.xml"
    page.write_text("<!DOCTYPE html><html><body>Not a feed</body></html>")
    assert rejected(page).reason == "not_a_feed"
