"""The language walk: visit every page a signed-in person can reach by links, one page per
route, and report UI text in the other language.

What a page shows is UI (its own language) or record content (whatever language the record
was written in). Templates mark record content with `data-record` (on the element that holds
it, or a container of records) and text that is meant to be in another language with a
`lang` attribute (the language switch: "中文" on an English page). Everything else must be
in the page's language:

- an English page shows no Chinese characters (nor full-width punctuation);
- a Chinese page shows no English words, except acronyms (two to six capitals: "API",
  "XRD", "USD", "II 期") and the names in `ALLOWED_IN_ZH`, which Chinese pages write in
  Latin letters too.

Code (`code`, `kbd`, `samp`: a command, a column name, a header) is neither language, and
what a text box holds is the record being edited.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Han ideographs, CJK punctuation and full-width forms.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Words of two letters or more; single letters are labels ("X 射线", "A 类").
WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’]*[A-Za-zÀ-ÿ]")
# Acronyms are written in Latin capitals on Chinese pages too ("API", "XRD", "USD", "II 期").
ACRONYM = re.compile(r"[A-Z]{2,6}")
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
GLUED = re.compile(f"[A-Za-z]+(?=[{HAN}])|(?<=[{HAN}])[A-Za-z]+")
# A token with a digit, '@', '_', '.' or '/' inside is a code, an address or a number with
# its unit ("SEM-01", "llt_…", "a@b.cn", "GB/T", "Asia/Shanghai", "10.1234/x"), not a word.
CODE = re.compile(r"\S*[\d@_./:#=]\S*")

# Latin-letter names that Chinese pages use as they are.
ALLOWED_IN_ZH = frozenset(
    {
        "labline",  # the product's name
        "Excel",  # the program a download opens in
        "Word",  # the program a document opens in
        "Markdown",  # a text format's name
        "OpenAPI",  # a standard's name
        "Törnqvist",  # a person's name, in the name of his index
        "rNPV",  # risk-adjusted net present value, written so in Chinese finance too
    }
)

SKIP_PREFIXES = ("/api/", "/static/", "/lang/", "/sign-out")
SKIP_PATHS = frozenset({"/api/docs", "/api/redoc", "/openapi.json"})

# Text nodes (visible ones, and the options of select boxes) and the attributes people read,
# outside record content and outside elements that say they are in another language.
COLLECT = """
() => {
  const page = (document.documentElement.lang || '').slice(0, 2);
  const out = [];
  const where = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) s += '#' + e.id;
      else if (e.dataset.testid) s += '[data-testid=' + e.dataset.testid + ']';
      else if (e.classList.length) s += '.' + [...e.classList].join('.');
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  const skipped = (el) => {
    const apart = 'script, style, template, datalist, noscript, textarea, code, kbd, samp, '
      + '[data-record]';
    if (el.closest(apart)) return true;
    const marked = el.closest('[lang]');
    return marked && marked !== document.documentElement && marked.lang.slice(0, 2) !== page;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    const text = node.data.replace(/\\s+/g, ' ').trim();
    if (!el || !text || skipped(el)) continue;
    if (!el.closest('select')) {
      if (!el.getClientRects().length) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
    }
    out.push([where(el), text]);
  }
  const read = '[placeholder], [aria-label], [title], input[type=submit][value]';
  for (const el of document.querySelectorAll(read)) {
    if (skipped(el)) continue;
    for (const name of ['placeholder', 'aria-label', 'title', 'value']) {
      if (name === 'value' && el.type !== 'submit') continue;
      const v = el.getAttribute(name);
      if (v && v.trim()) out.push([where(el) + '@' + name, v.trim()]);
    }
  }
  return out;
}
"""

LINKS = """
() => [...document.querySelectorAll('a[href]')]
  .filter((a) => !a.hasAttribute('download'))
  .map((a) => a.href)
"""


@dataclass(frozen=True)
class Finding:
    url: str
    where: str
    text: str
    words: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.url}  {self.where}: {self.text[:120]!r} -> {', '.join(self.words)}"


def other_language(text: str, lang: str) -> tuple[str, ...]:
    """The pieces of `text` that are in the other language than `lang` ('en' or 'zh')."""
    if lang == "en":
        return tuple(dict.fromkeys(CHINESE.findall(text)))
    words = []
    # A Latin word written against Chinese characters is part of a Chinese term ("mRNA疫苗",
    # "TOPCon电池"), as Chinese writes them.
    text = GLUED.sub(" ", text)
    for token in CHINESE.sub(" ", text).split():
        if token.startswith("."):  # a file name extension (".csv")
            continue
        token = token.strip(".,;:!?()[]{}\"'“”‘’")
        if CODE.fullmatch(token):
            continue
        words += [
            w for w in WORD.findall(token) if w not in ALLOWED_IN_ZH and not ACRONYM.fullmatch(w)
        ]
    return tuple(dict.fromkeys(words))


def route_key(url: str) -> str:
    """One page per route: numbers in the path are ids; the query's names (not values) count."""
    parts = urlsplit(url)
    path = re.sub(r"/\d[\d-]*(?=/|$)", "/#", parts.path)
    names = sorted({k for k, _v in parse_qsl(parts.query)} - {"page", "q", "next"})
    return path + ("?" + "&".join(names) if names else "")


def findings_on(page: Any, lang: str) -> list[Finding]:
    out = []
    for where, text in page.evaluate(COLLECT):
        words = other_language(text, lang)
        if words:
            out.append(Finding(page.url, where, text, words))
    return out


def _wanted(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    path = parts.path
    if path in SKIP_PATHS or path.startswith(SKIP_PREFIXES):
        return False
    return not re.search(r"\.(csv|xlsx|json|png|pdf|docx|zip)$|/(export|download)\b", path)


def walk(
    page: Any,
    origin: str,
    lang: str,
    start: Iterable[str] = ("/",),
    limit: int = 150,
    timings: list[tuple[float, str]] | None = None,
) -> tuple[list[str], list[Finding]]:
    """Breadth-first from `start`, one page per route key; returns the pages and findings."""
    timings = [] if timings is None else timings
    queue = [origin + s for s in start]
    seen_keys: set[str] = set()
    visited: list[str] = []
    found: list[Finding] = []
    while queue and len(visited) < limit:
        url = queue.pop(0).split("#")[0]
        key = route_key(url)
        if key in seen_keys or not _wanted(url, origin):
            continue
        seen_keys.add(key)
        started = time.monotonic()
        try:
            response = page.goto(url)
        except Exception as exc:  # a download starts instead of a page
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 500:
            found.append(Finding(url, "status", str(response.status), ("server error",)))
            continue
        visited.append(url)
        timings.append((time.monotonic() - started, url))
        found += findings_on(page, lang)
        queue += [u for u in page.evaluate(LINKS) if route_key(u.split("#")[0]) not in seen_keys]
    return visited, found
