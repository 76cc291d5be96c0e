"""Screenshots of every demo role's home page and main flow, in Chinese and English, at
desktop (1280 px) and phone (390 px) widths, into docs/screenshots/flows/ with an index
(docs/screenshots/README.md). Issue 17 asks for them; run again after UI changes:

    .venv/bin/python tools/screenshots.py                 # builds the small demo in a temp dir
    .venv/bin/python tools/screenshots.py --url URL       # a demo already served at URL

The demo is built as the browser tests build it (seed 42, size small, the suite's frozen
"now"), so the pictures change only when the pages do. Chromium is Debian's
(`make browser-deps`); nothing is downloaded. Pages are saved whole as 256-colour PNGs (or
WebP with --format webp); a page taller than --max-height pixels is saved in parts of that
height, top to bottom (`…-part1.png`, `…-part2.png`), so that nothing is cut off.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import httpx
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PASSWORD = "labline-demo-2026"
NOW = "2026-11-30T16:00:00+00:00"  # tests/clock.py's DEFAULT_NOW: the demo's dates fit it
WIDTHS = {"desktop": (1280, 860), "phone": (390, 844)}
LANGS = ("zh", "en")
RETRIES = 6
ACCOUNT_LINE = re.compile(r"^\s+(\w+)\s+(\S+@\S+)\s+(.+?)\s+/\s+(.+?)\s*$")

Find = Callable[[Any], str]  # given the signed-in page, the path to show next


@dataclass
class Step:
    name: str
    caption: str
    target: str | Find


@dataclass
class Shot:
    role: str
    step: Step
    # (lang, width) -> the picture's files: one, or the parts of a long page, top first
    files: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


# --- how a step finds its page in the demo world -------------------------------------------


def work_item(key: str) -> Find:
    """The first record listed under the home page's 'waiting for you' list `key`."""

    def find(page: Any) -> str:
        _goto(page, "/")
        link = page.locator(f"[data-work='{key}'] li a").first
        return str(link.get_attribute("href"))

    return find


def first_link(listing: str | Find, pattern: str, having: str | None = None) -> Find:
    """The first link on `listing` (a path, or a step that finds one) whose path matches
    `pattern` and, with `having`, whose page shows that selector: e.g. the first of my
    needs that has suggestions."""

    def find(page: Any) -> str:
        _goto(page, listing if isinstance(listing, str) else listing(page))
        hrefs = [a.get_attribute("href") or "" for a in page.locator("main a[href]").all()]
        found = list(dict.fromkeys(h for h in hrefs if re.fullmatch(pattern, h)))
        for href in found:
            if having is None:
                return href
            _goto(page, href)
            if page.locator(having).count():
                return href
        with_ = f" with {having}" if having else ""
        raise LookupError(f"no link like {pattern} on {listing}{with_}")

    return find


def introduction(desk: Find) -> Find:
    """A deal an introduction opened, from the investor's deal flow on `desk`; where the
    investor has none yet (the demo world), the first "Ask for an introduction" under what
    their follows bring up asks for one (this writes to the demo being photographed)."""

    def find(page: Any) -> str:
        _goto(page, desk(page))
        deals = page.locator("[data-testid=deal-board] a[href^='/market/deals/']")
        if deals.count():
            return str(deals.first.get_attribute("href"))
        ask = page.locator("[data-testid=feed] form:has(input[value=introduce]) button")
        if not ask.count():
            raise LookupError("nothing to ask an introduction for on the investor's page")
        with page.expect_navigation():
            ask.first.click()
        path = urlparse(page.url).path
        if not re.fullmatch(r"/market/deals/\d+", path):
            raise LookupError(f"asking for an introduction led to {page.url}")
        return path

    return find


INVESTOR_DESK = first_link("/market/investors", r"/market/investors/\d+")


def investors_cap_table(page: Any) -> str:
    """The cap table of the organisation the investor invests for, named by the investors'
    API (no page links to it: a deal links to its sides' cap tables once it has a
    contract)."""
    _goto(page, "/")
    answer = page.request.get("/api/v1/market/investors")
    mine = [i for i in answer.json() if f"/market/investors/{i['id']}" == INVESTOR_DESK(page)]
    if not answer.ok or not mine:
        raise LookupError(f"no investor profile of one's own ({answer.status})")
    return f"/market/captables/{mine[0]['organisation_id']}"


FLOWS: dict[str, list[Step]] = {
    "platform_operator": [
        Step("records-to-screen", "A record waiting for screening", work_item("records-to-screen")),
        Step("indicators", "Indicators", "/indicators"),
        Step("live-figures", "The platform's live figures", "/indicators/live"),
        Step("composite-index", "A composite index with rank intervals", "/indicators/index"),
    ],
    "org_admin": [
        Step("my-needs", "The organisation's needs", "/market?kind=needs&mine=true"),
        Step(
            "need-suggestions",
            "A need with suggested achievements and teams",
            first_link(
                "/market?kind=needs&mine=true", r"/market/needs/\d+", "[data-testid=suggestions]"
            ),
        ),
        Step("deal-board", "The deal pipeline as a board", "/market/deals?view=board"),
        Step("deal", "A deal", first_link("/market/deals", r"/market/deals/\d+")),
    ],
    "member": [
        Step("my-achievements", "My achievements", "/market?kind=achievements&mine=true"),
        Step(
            "achievement-suggestions",
            "An achievement with suggested needs",
            first_link(
                "/market?kind=achievements&mine=true",
                r"/market/achievements/\d+",
                "[data-testid=suggestions]",
            ),
        ),
        Step("deals", "My deals", "/market/deals"),
        Step(
            "deal",
            "A deal with its messages and contract",
            first_link("/market/deals", r"/market/deals/\d+"),
        ),
        Step(
            "search",
            "The one search box: every kind of record, and what each score is made of",
            "/search?q=" + quote("钙钛矿"),
        ),
    ],
    "reviewer": [
        Step("queue", "Calls and my review queue", "/review"),
        Step("review-form", "A proposal to review, with the form", work_item("reviews-due")),
    ],
    "committee_member": [
        Step(
            "ranking",
            "The call before the committee: ranking and non-consensus flags",
            first_link(work_item("dossiers"), r"/review/calls/\d+", "[data-testid=ranking]"),
        ),
        Step("dossier", "A non-consensus dossier with discussion and votes", work_item("dossiers")),
    ],
    "facility_manager": [
        Step("bookings", "Bookings, and those to approve", "/facilities/bookings"),
        Step("calendar", "An instrument's week", work_item("bookings-to-approve")),
        Step("beamtime-round", "A beamtime round to schedule", work_item("cycles-to-schedule")),
        Step("figures", "Facility figures", "/facilities/figures"),
    ],
    "analyst": [
        Step("intel-search", "Searching policy documents", "/intel/search?q=" + quote("钙钛矿")),
        Step(
            "digest",
            "A document with its digest",
            first_link("/intel/search?q=" + quote("钙钛矿"), r"/intel/documents/\d+"),
        ),
        Step("indicators", "Indicators", "/indicators"),
        Step("growth", "Growth accounting", "/indicators/growth"),
    ],
    "investor": [
        Step("follows", "What the investor follows, and what that brings up", INVESTOR_DESK),
        Step(
            "introduction",
            "An introduction to an achievement: the deal it opens",
            introduction(INVESTOR_DESK),
        ),
        Step("deal-flow", "The deal flow as a board by stage", "/market/deals?view=board"),
        Step(
            "cap-table",
            "The cap table of the fund the investor invests for",
            investors_cap_table,
        ),
    ],
}
HOME = Step("home", "Home page: the role's work", "/")


# --- the demo server --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def demo_server(now: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Build the small demo in a temp dir and serve it; yields the URL and role -> e-mail."""
    with tempfile.TemporaryDirectory(prefix="labline-shots-") as tmp:
        port = _free_port()
        start = (
            "import sys, time_machine; from datetime import datetime;"
            f" time_machine.travel(datetime.fromisoformat({now!r}), tick=True).start();"
            " from labline.cli import main; sys.argv[0] = 'labline'; main()"
        )
        cmd = [sys.executable, "-c", start, "--data-dir", tmp, "demo", "--size", "small"]
        cmd += ["--seed", "42", "--serve", "--port", str(port)]
        log = Path(tmp) / "server.log"
        # The data folder in the environment too: the served app reads its settings from
        # there, and must find the world just built (not ./data).
        env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "LABLINE_DATA_DIR": tmp}
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            print("building the demo world …", flush=True)
            deadline = time.monotonic() + 900
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the demo server did not start:\n{log.read_text()}")
                time.sleep(0.5)
            yield url, _accounts(log.read_text())
        except BaseException:
            tail = log.read_text(errors="replace").splitlines()[-60:]
            print("the demo server's log ends:", *tail, sep="\n", file=sys.stderr)
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _healthy(url: str) -> bool:
    try:
        return bool(httpx.get(f"{url}/healthz", timeout=1).json().get("status") == "ok")
    except (httpx.HTTPError, ValueError):
        return False


def _accounts(text: str) -> dict[str, str]:
    return {m[1]: m[2] for m in map(ACCOUNT_LINE.match, text.splitlines()) if m}


# --- taking the pictures ----------------------------------------------------------------------


def save(png: bytes, path: Path, fmt: str) -> Path:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if fmt == "webp":
        path = path.with_suffix(".webp")
        image.save(path, "WEBP", quality=80, method=6)
    else:
        path = path.with_suffix(".png")
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


BROWSER_LOCALE = {"zh": "zh-CN", "en": "en-GB"}  # navigator.language and Accept-Language
# Chromium draws date and time fields in its own UI language, which on Linux is its
# environment's LANGUAGE (not the context's locale, the page's lang or --lang), with the words
# from Debian's chromium-l10n: a browser per language (tests/browser/conftest.py says more).
UI_LANGUAGE = {"zh": "zh_CN", "en": "en_GB"}


def _signed_in(browser: Any, url: str, email: str, lang: str) -> tuple[Any, Any, list[str]]:
    width, height = WIDTHS["desktop"]
    context = browser.new_context(
        base_url=url, viewport={"width": width, "height": height}, locale=BROWSER_LOCALE[lang]
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    said = ""
    for _attempt in range(RETRIES):  # a sign-in writes; a busy SQLite answers 503: again
        page.goto(f"/lang/{lang}?next=/sign-in")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        if page.get_by_test_id("account").count():
            page.goto(f"/lang/{lang}?next=/")  # the cookie, over the person's own language
            break
        alert = page.locator("main [role=alert]")
        said = alert.first.inner_text() if alert.count() else page.url
        page.wait_for_timeout(2000)
    else:
        raise SystemExit(f"{email} could not sign in ({lang}): {said}")
    return context, page, errors


def _goto(page: Any, path: str) -> int:
    """Open a page; a busy server (503) is asked again a few times."""
    status = 0
    for _attempt in range(RETRIES):
        response = page.goto(path)
        status = response.status if response is not None else 0
        if status != 503:
            break
        page.wait_for_timeout(2000)
    return status


def shoot_page(page: Any, path: Path, width: int, args: argparse.Namespace) -> list[Path]:
    """The whole page: one picture, or parts of --max-height pixels from the top down
    (`-part1`, `-part2`, …) for a longer page. Each part is a clip of the full page, as
    tall as the page lays out at this width, so nothing is cut off."""
    height = int(page.evaluate("Math.ceil(document.documentElement.scrollHeight)"))
    if height <= args.max_height:
        return [save(page.screenshot(full_page=True), path, args.format)]
    saved = []
    for part, top in enumerate(range(0, height, args.max_height), 1):
        clip = {"x": 0, "y": top, "width": width, "height": min(args.max_height, height - top)}
        png = page.screenshot(full_page=True, clip=clip)
        saved.append(save(png, path.with_name(f"{path.name}-part{part}"), args.format))
    return saved


def shoot_role(
    browsers: dict[str, Any], url: str, role: str, email: str, args: argparse.Namespace
) -> list[Shot]:
    shots = [Shot(role, step) for step in [HOME, *FLOWS.get(role, [])]]
    folder = args.out / "flows" / role
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("*.png"), *folder.glob("*.webp")]:  # no stale picture or part
        old.unlink()
    for lang in LANGS:
        context, page, errors = _signed_in(browsers[lang], url, email, lang)
        for n, shot in enumerate(shots):
            step = shot.step
            try:
                path = step.target if isinstance(step.target, str) else step.target(page)
            except Exception as exc:  # a flow the demo world does not offer: say so, go on
                shot.problems.append(f"not found in {lang}: {exc}")
                continue
            page.set_viewport_size(dict(zip(("width", "height"), WIDTHS["desktop"], strict=True)))
            status = _goto(page, path)
            if status != 200:
                shot.problems.append(f"{path} answered {status} in {lang}")
            for width, (w, h) in WIDTHS.items():
                page.set_viewport_size({"width": w, "height": h})
                # Maps are drawn as they come into view; a whole-page picture shows them all.
                page.evaluate("() => window.lablineMaps && window.lablineMaps.drawAll()")
                page.wait_for_timeout(150)
                name = f"{n:02d}-{step.name}-{lang}-{width}"
                shot.files[(lang, width)] = [
                    saved.relative_to(args.out).as_posix()
                    for saved in shoot_page(page, folder / name, w, args)
                ]
            shot.problems += [f"JavaScript error in {lang}: {e}" for e in errors]
            errors.clear()
            print(f"  {role:<18} {lang} {step.name:<24} {path}", flush=True)
        context.close()
    return shots


def _links(width: str, files: list[str]) -> str:
    if len(files) == 1:
        return f"[{width}]({files[0]})"
    return f"{width} " + " ".join(f"[{i}]({f})" for i, f in enumerate(files, 1))


def write_index(shots: list[Shot], out: Path, args_max_height: int) -> None:
    lines = [
        "# Screenshots",
        "",
        "Every demo role's home page and main flow, in Chinese and English, at desktop",
        "(1280 px) and phone (390 px) widths: `flows/<role>/`. Made by",
        "`.venv/bin/python tools/screenshots.py` (`make screenshots`) on the small demo world",
        "(seed 42), signed in as each role's demo account. Every page is captured whole: a page",
        f"taller than {args_max_height:,} px is split into parts of that height, top to bottom",
        "(linked as 1, 2, … in the table; files `…-part1.png`, `…-part2.png`). The browser",
        "tests keep their own screenshots in `tests/_artifacts/screenshots/`, never here.",
        "",
    ]
    role = ""
    for shot in shots:
        if shot.role != role:
            role = shot.role
            lines += [f"## {role.replace('_', ' ')}", ""]
            lines += ["| page | 中文 | English |", "|---|---|---|"]
        cells = []
        for lang in LANGS:
            links = [
                _links(width, shot.files[(lang, width)])
                for width in WIDTHS
                if (lang, width) in shot.files
            ]
            cells.append(" · ".join(links) or "—")
        note = f" ({'; '.join(shot.problems)})" if shot.problems else ""
        lines.append(f"| {shot.step.caption}{note} | {cells[0]} | {cells[1]} |")
        if shot is shots[-1] or shots[shots.index(shot) + 1].role != role:
            lines.append("")
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a demo already served here (default: build one)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--format", choices=("png", "webp"), default="png")
    parser.add_argument(
        "--max-height", type=int, default=4000, help="taller pages are saved in parts this tall"
    )
    parser.add_argument("--roles", nargs="*", help="only these roles (default: all)")
    parser.add_argument("--now", default=NOW, help="the server's clock when it builds")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with (
        _given(args.url) if args.url else demo_server(args.now) as (url, accounts),
        sync_playwright() as p,
    ):
        browsers = {
            lang: p.chromium.launch(
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                env={**os.environ, "LANGUAGE": UI_LANGUAGE[lang]},
            )
            for lang in LANGS
        }
        shots: list[Shot] = []
        for role, email in accounts.items():
            if not args.roles or role in args.roles:
                shots += shoot_role(browsers, url, role, email, args)
        for browser in browsers.values():
            browser.close()
    write_index(shots, args.out, args.max_height)
    total = sum(f.stat().st_size for f in (args.out / "flows").rglob("*") if f.is_file())
    pictures = sum(len(files) for s in shots for files in s.files.values())
    print(f"{pictures} pictures, {total / 1e6:.1f} MB in {args.out}")
    for s in shots:
        for problem in s.problems:
            print(f"PROBLEM {s.role} {s.step.name}: {problem}")


@contextmanager
def _given(url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A demo somebody else serves: its demo accounts are the demo world's fixed ones."""
    from labline.demo.world import DEMO_ACCOUNTS

    yield url.rstrip("/"), {role: email for email, role, _zh, _en in DEMO_ACCOUNTS}


if __name__ == "__main__":
    main()
