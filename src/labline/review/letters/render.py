"""A decision letter as HTML (the page's body, or a file that stands alone) and as plain
text (the API and `.txt` files). Both take every word from the letter itself."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from labline.review.letters.schemas import Letter
from labline.web.render import environment


def _money(value: object) -> str:
    return f"¥{value:,.0f}"


def letter_html(letter: Letter) -> Markup:
    return Markup(environment().get_template("review/letter_body.html").render(letter=letter))


def letter_document(letter: Letter) -> str:
    """A complete, printable HTML file."""
    lang = "zh-CN" if letter.language == "zh" else "en"
    title = escape(f"{letter.labels['letter']} · {letter.call_code} · {letter.title}")
    return (
        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>body{{font-family:sans-serif;max-width:46rem;"
        "margin:2rem auto;line-height:1.5}dt{font-weight:bold}.muted{color:gray}</style>\n"
        f"</head>\n<body>\n{letter_html(letter)}\n</body>\n</html>\n"
    )


def letter_text(letter: Letter) -> str:
    L = letter.labels
    c = letter.clock
    lines = [
        f"{L['letter']} · {letter.call_code}",
        "",
        letter.headline,
        *([L["lottery_line"]] if L.get("lottery_line") else []),
        "",
        f"{L['call']}: {letter.call_code} · {letter.call_title}",
        f"{L['proposal']}: {letter.title}",
        f"{L['applicant']}: {letter.applicant}",
        f"{L['organisation']}: {letter.organisation}",
        f"{L['requested']}: {_money(letter.requested)}",
    ]
    if letter.amount is not None:
        lines.append(f"{L['awarded']}: {_money(letter.amount)}")
    if letter.reasons:
        lines += ["", f"{L['reasons']}:"] + [f"  - {r}" for r in letter.reasons]
    lines += ["", f"{L['reviews']}:", f"  ({L['anonymous']})"]
    for r in letter.reviews:
        scores = " · ".join(f"{s.criterion} {s.score}/{s.scale_max}" for s in r.scores)
        lines.append(f"  {r.label} · {L['overall']} {r.overall:.2f} · {scores}")
        if r.comment:
            lines.append(f"    {r.comment}")
    if not letter.reviews:
        lines.append(f"  {L['no_reviews']}")
    if letter.committee:
        lines += ["", f"{L['committee']}:"] + [f"  - {s.what}: {s.text}" for s in letter.committee]
    lines += [
        "",
        f"{L['clock']}:",
        f"  {L['submitted']}: {c.submitted_on.isoformat() if c.submitted_on else '—'}",
        f"  {L['closed']}: {c.closes_on.isoformat()}",
        f"  {L['decided']}: {c.decided_on.isoformat() if c.decided_on else '—'}",
        f"  {L['due']}: {c.decision_due.isoformat()}",
        f"  {L['used']}: {L['used_line']}",
        f"  {L['issued']}: {letter.issued_at:%Y-%m-%d}"
        if letter.issued_at
        else f"  {L['issued']}: {L['not_issued']}",
    ]
    return "\n".join(lines) + "\n"
