"""Writing a briefing as Markdown, DOCX or PDF (labels in the reader's language)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from labline.i18n import gettext as _
from labline.intel.briefings.contents import Briefing, Entry

# A PDF embeds (a subset of) a CJK TrueType font found here, so that Chinese shows in
# every viewer: the Debian packages fonts-wqy-microhei (installed by `make browser-deps`
# too), fonts-wqy-zenhei or fonts-noto-cjk. Only without any of them does it fall back to
# reportlab's built-in STSong-Light, which is not embedded (a viewer without Adobe's Asian
# fonts shows no Chinese).
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
EMBEDDED_FONT = "LablineCJK"
FALLBACK_FONT = "STSong-Light"  # reportlab's built-in CID font: not embedded


def _cites(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _meta(entry: Entry) -> str:
    doc = entry.document
    parts = [doc.source, doc.issued_label, doc.doc_number]
    return " · ".join(p for p in parts if p)


def _lines(entry: Entry) -> list[tuple[str, str]]:
    """(kind, text) lines of one document's digest: core, heading, point."""
    d = entry.digest
    out = [
        (
            "core",
            f"{_('Core viewpoint')}: {d.core_viewpoint.text} {_cites(d.core_viewpoint.citations)}",
        )
    ]
    for i, g in enumerate(d.groups, 1):
        out.append(("heading", f"{_('Group %(n)s', n=i)}: {g.heading}"))
        out += [("point", f"{p.text} {_cites(p.citations)}") for p in g.points]
    return out


def markdown(briefing: Briefing) -> bytes:
    out = [f"# {briefing.title}", "", f"{_('Prepared on')} {briefing.made_on}", ""]
    for i, entry in enumerate(briefing.entries, 1):
        out += [f"## {i}. {entry.document.title}", "", f"*{_meta(entry)}*", ""]
        for kind, text in _lines(entry):
            if kind == "point":
                out.append(f"- {text}")
            else:
                out += ["", f"**{text}**" if kind == "core" else f"### {text}", ""]
        out.append("")
    out += [f"## {_('Appendix: cited paragraphs')}", ""]
    for i, entry in enumerate(briefing.entries, 1):
        out += [f"### {i}. {entry.document.title}", ""]
        out += [f"[{n}] {text}\n" for n, text in entry.cited]
    return "\n".join(out).encode("utf-8")


def docx(briefing: Briefing) -> bytes:
    import docx as python_docx
    from docx.oxml.ns import qn

    document = python_docx.Document()
    normal = document.styles["Normal"]
    # Word picks the East Asian font for Chinese characters from this attribute.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    document.core_properties.title = briefing.title
    document.add_heading(briefing.title, level=0)
    document.add_paragraph(f"{_('Prepared on')} {briefing.made_on}")
    for i, entry in enumerate(briefing.entries, 1):
        document.add_heading(f"{i}. {entry.document.title}", level=1)
        document.add_paragraph().add_run(_meta(entry)).italic = True
        for kind, text in _lines(entry):
            if kind == "heading":
                document.add_heading(text, level=2)
            elif kind == "point":
                document.add_paragraph(text, style="List Bullet")
            else:
                document.add_paragraph().add_run(text).bold = True
    document.add_heading(_("Appendix: cited paragraphs"), level=1)
    for i, entry in enumerate(briefing.entries, 1):
        document.add_heading(f"{i}. {entry.document.title}", level=2)
        for n, text in entry.cited:
            document.add_paragraph(f"[{n}] {text}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def cjk_font() -> str:
    """The registered font a PDF is written in: an embedded CJK font where one is installed
    (`CJK_FONT_FILES`), else reportlab's built-in one."""
    from pathlib import Path

    from reportlab.pdfbase import pdfmetrics

    registered = pdfmetrics.getRegisteredFontNames()
    for name in (EMBEDDED_FONT, FALLBACK_FONT):
        if name in registered:
            return name
    for path in CJK_FONT_FILES:
        if Path(path).is_file():
            from reportlab.pdfbase.ttfonts import TTFont

            # A .ttc holds several faces; the first is the proportional one.
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, path, subfontIndex=0))
            return EMBEDDED_FONT
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def pdf(briefing: Briefing) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = cjk_font()

    def style(name: str, size: float, space: float = 4, indent: float = 0) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=size * 1.45,
            spaceAfter=space,
            leftIndent=indent,
            wordWrap="CJK",  # Chinese lines break between any two characters
        )

    title, h1, h2, body, point = (
        style("t", 18, 10),
        style("h1", 14, 6),
        style("h2", 11.5, 4),
        style("b", 10),
        style("p", 10, 3, 12),
    )
    story: list[object] = [Paragraph(escape(briefing.title), title)]
    story.append(Paragraph(escape(f"{_('Prepared on')} {briefing.made_on}"), body))
    for i, entry in enumerate(briefing.entries, 1):
        story += [Spacer(1, 8), Paragraph(escape(f"{i}. {entry.document.title}"), h1)]
        story.append(Paragraph(escape(_meta(entry)), body))
        for kind, text in _lines(entry):
            chosen = {"core": body, "heading": h2, "point": point}[kind]
            story.append(Paragraph(("• " if kind == "point" else "") + escape(text), chosen))
    story += [Spacer(1, 10), Paragraph(escape(_("Appendix: cited paragraphs")), h1)]
    for i, entry in enumerate(briefing.entries, 1):
        story.append(Paragraph(escape(f"{i}. {entry.document.title}"), h2))
        story += [Paragraph(escape(f"[{n}] {text}"), body) for n, text in entry.cited]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=briefing.title).build(story)
    return buffer.getvalue()
