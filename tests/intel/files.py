"""Real files of each kind for the ingest tests, made with the libraries that write them."""

from __future__ import annotations

import io
from pathlib import Path

ZH = [
    "关于加强基础研究和原始创新的若干意见",
    "示政发〔2026〕3号",
    "基础研究是整个科学体系的源头，是原始创新的总开关。",
    "到2028年，全市基础研究经费占研发经费比重提高到12%以上，每年安排不少于5亿元。",
    "示例市人民政府",
    "2026年3月12日",
]
EN = [
    "Remarks on basic research",
    "Over the past decade our universities have doubled their research output.",
    "We will raise public funding for basic research by 20 percent over two years.",
]


def pdf(path: Path, pages: list[list[str]], *, encrypt: str | None = None) -> Path:
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    c.setTitle("Test PDF")
    for lines in pages:
        y = 800
        for line in lines:
            c.setFont("STSong-Light", 11)
            c.drawString(50, y, line)
            y -= 30  # a gap between lines: a paragraph each
        if not lines:
            c.rect(50, 300, 400, 400, fill=1)  # a "scan": marks, no text
        c.showPage()
    c.save()
    data = buffer.getvalue()
    if encrypt is not None:
        writer = PdfWriter()
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
        writer.encrypt(encrypt)
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    path.write_bytes(data)
    return path


def docx(path: Path, paragraphs: list[str], title: str = "") -> Path:
    import docx as python_docx

    document = python_docx.Document()
    document.core_properties.title = title
    for p in paragraphs:
        document.add_paragraph(p)
    document.save(str(path))
    return path


def html(path: Path, paragraphs: list[str], title: str) -> Path:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(10))
    path.write_text(
        f"<!doctype html><html><head><title>{title}</title><meta charset='utf-8'></head>"
        f"<body><nav><ul>{nav}</ul></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright · Contact · Sitemap</footer></body></html>",
        encoding="utf-8",
    )
    return path


def feed(entries: list[tuple[str, str, str]]) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>{link}</link>"
        "<pubDate>Mon, 02 Nov 2026 08:00:00 GMT</pubDate>"
        f"<description><![CDATA[{d}]]></description></item>"
        for t, link, d in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Example policy feed</title><link>http://example.org/</link>{items}</channel></rss>"
    ).encode()
