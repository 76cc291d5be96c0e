"""Build the bridge's technical term list, src/labline/search/terms.tsv.

    python benchmarks/build_terms.py [--texts DIR] [--out FILE]

CC-CEDICT lacks many technical terms and splits them into characters (钙钛矿 →
"calcium / titanium / ore", not "perovskite"). The list adds Chinese–English pairs from
three sources the project may ship, each line saying where it came from:

1. `seed`: benchmarks/terms_seed.tsv, reviewed by hand (terms of the market's fields);
2. `gbt4754`: the industry catalogue the platform ships (core/refdata/industries.csv):
   each class's Chinese and English names, when the English is short enough to be a
   term (at most five words, no list, no "other ...");
3. `csl`: aligned keywords of the Chinese scientific abstracts (CSL, Apache-2.0): a
   paper keyword followed in its abstract or title by an English rendering in brackets,
   e.g. "体外膜肺氧合(extracorporeal membrane oxygenation)". Bare abbreviations, and
   keywords shorter than three characters, are left out. Read from ../shared when there.

The first source to give a Chinese term wins; the output is sorted and deterministic.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXTS = Path(os.environ.get("LABLINE_TEXTS", ROOT.parent / "shared" / "data" / "texts"))
OUT = ROOT / "src" / "labline" / "search" / "terms.tsv"
_ALIGNED = re.compile(
    r"([\u4e00-\u9fff]{2,12})\s*[（(]\s*([A-Za-z][A-Za-z\- ]{2,60}?)\s*[,，;；)）]"
)


def seed() -> list[tuple[str, str, str]]:
    out = []
    for line in (ROOT / "benchmarks" / "terms_seed.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            zh, en = line.split("\t")[:2]
            out.append((zh.strip(), en.strip(), "seed"))
    return out


def industries() -> list[tuple[str, str, str]]:
    path = ROOT / "src" / "labline" / "core" / "refdata" / "industries.csv"
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            zh, en = row["name_zh"], row["name_en"]
            if "、" in zh or "," in en or len(en.split()) > 5 or zh.startswith("其他"):
                continue
            en = re.sub(r"^(Manufacture|Processing|Production) of ", "", en)
            out.append((zh.removesuffix("业").removesuffix("制造"), en.lower(), "gbt4754"))
    return out


def csl(texts: Path) -> list[tuple[str, str, str]]:
    out: dict[str, str] = {}
    path = texts / "csl_zh_sci_abstracts" / "csl_dev.jsonl"
    if not path.exists():
        return []
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        keywords = [k for k in row.get("keywords") or [] if len(k) >= 3]
        for m in _ALIGNED.finditer(f"{row.get('abstract', '')} {row.get('title', '')}"):
            zh, en = m.group(1), " ".join(m.group(2).split())
            if (en.isupper() and " " not in en) or len(en) < 4:
                continue  # an abbreviation
            hits = [k for k in keywords if zh.endswith(k)]
            if hits:
                out.setdefault(max(hits, key=len), en.lower())
    return [(zh, en, "csl") for zh, en in out.items()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", type=Path, default=TEXTS)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    terms: dict[str, tuple[str, str]] = {}
    counts: dict[str, int] = {}
    for zh, en, source in [*seed(), *industries(), *csl(args.texts)]:
        if len(zh) < 2 or zh in terms or not re.search(r"[a-z]", en):
            continue
        terms[zh] = (en, source)
        counts[source] = counts.get(source, 0) + 1
    lines = ["# zh\ten\tsource — built by benchmarks/build_terms.py; do not edit by hand"]
    lines += [f"{zh}\t{en}\t{src}" for zh, (en, src) in sorted(terms.items())]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(terms)} terms written to {args.out}: {counts}")


if __name__ == "__main__":
    main()
