"""Precision (and recall where labelled) of intel's links: the organisations, places and
technical terms real documents name, linked to the records of a demo world.

    python benchmarks/intel_links.py --world DATA_DIR [--per-set 15] [--json FILE]
        [--dump FILE]

- World: a demo world built by `labline --data-dir DATA_DIR demo` (small, seed 42); its
  database is copied, so the world is left as it was.
- Documents: a fixed sample (seeded) of real texts from ../shared/data/texts: Chinese
  State Council documents and Government Work Reports (zh_gov_policy_docs) and White House
  remarks (us_whitehouse_remarks_en), imported through the ingest service.
- Links: `links.service.links_of` as the document's links page shows them (confidence
  >= MIN_CONFIDENCE), read as an operator; the indexes beside the database are opened
  without a worker (words and dictionary bridge; the stored vectors of the demo, if any).
- Labels (benchmarks/intel_links_labels.json, described in benchmarks/results/README.md):
  organisations: a link is right when the mention names the linked organisation: its
  Chinese or English name, normalised (case, spaces, punctuation), or an alias listed in
  the labels; recall: the demo organisations whose full name stands in a document,
  linked from it. Places and terms: judged by hand on every link the sample produced
  (`--dump` writes them with their paragraph for judging); a link the labels do not know
  (after a code change) is counted as unlabelled, never as right.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TEXTS = Path(os.environ.get("LABLINE_TEXTS", "/work/shared/data/texts"))
LABELS = Path(__file__).with_name("intel_links_labels.json")
SETS = {
    "zh_policy": "zh_gov_policy_docs/zh_gov_policy_docs.jsonl",
    "en_remarks": "us_whitehouse_remarks_en/whitehouse_remarks.jsonl",
}
_PUNCT = re.compile(r"[\s\W_]+")


def norm(name: str) -> str:
    return _PUNCT.sub("", name.lower()).removeprefix("the")


def sample(per_set: int) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for key, rel in SETS.items():
        rows = [json.loads(line) for line in (TEXTS / rel).open(encoding="utf-8")]
        rows = [r for r in rows if (r.get("text") or "").strip()]
        random.Random(15).shuffle(rows)
        out += [(key, r) for r in rows[:per_set]]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", type=Path, required=True, help="data folder of a demo world")
    ap.add_argument("--per-set", type=int, default=15)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--dump", type=Path, help="write every link with its context (to label)")
    args = ap.parse_args()
    if not (TEXTS / SETS["zh_policy"]).is_file():
        raise SystemExit(f"the real texts are not in {TEXTS} (set LABLINE_TEXTS)")
    os.environ["LABLINE_JOBS"] = "inline"  # no queue: nothing is enqueued from here
    from sqlalchemy import select

    from labline.config import Settings
    from labline.core.access import command_line_actor
    from labline.core.models import Organisation
    from labline.db import make_engine, make_sessionmaker
    from labline.intel.documents.readers import read_text
    from labline.intel.documents.service import ingest, records
    from labline.intel.links import service as links

    tmp = Path(tempfile.mkdtemp(prefix="intel-links-"))
    shutil.copy(args.world / "labline.db", tmp / "labline.db")
    if (args.world / "indexes").is_dir():
        shutil.copytree(args.world / "indexes", tmp / "indexes", symlinks=True)
    session = make_sessionmaker(make_engine(f"sqlite:///{tmp / 'labline.db'}"))()
    actor = command_line_actor("benchmark")
    # A web process's view: indexes from the snapshot and audit tail, nothing encoded here.
    holder = SimpleNamespace(settings=Settings(env="test", data_dir=tmp, jobs="sqlite"))
    coll = records.collection_named(session, actor=actor, name="links-benchmark")
    orgs = session.scalars(select(Organisation)).all()
    labels = json.loads(LABELS.read_text(encoding="utf-8")) if LABELS.is_file() else {}
    aliases = {(norm(a), int(i)) for a, i in labels.get("organisation_aliases", [])}
    judged = {(j["kind"], j["mention"], j["record"]): j["right"] for j in labels.get("links", [])}

    counts: dict[str, dict[str, int]] = {}
    recall = {"named": 0, "linked": 0, "missed": []}
    dump = []
    for key, row in sample(args.per_set):
        text = f"{row.get('title') or ''}\n{row['text']}"
        parsed = read_text(text.encode("utf-8"), f"{key}-{row.get('title', '')[:40]}.txt")
        stored = ingest.store(session, collection=coll, parsed=parsed)
        doc = stored.document
        found = links.links_of(doc, session, actor=actor, holder=holder)
        paragraphs = {p.n: p.text for p in doc.paragraphs}
        linked_orgs: set[int] = set()
        for kind, mentions in (
            ("organisation", found.organisations),
            ("place", found.places),
            ("term", found.terms),
        ):
            for m in mentions:
                for link in m.links:
                    if link.confidence < links.MIN_CONFIDENCE:
                        continue
                    record = f"{link.kind}:{link.id} {link.title}"
                    if kind == "organisation":
                        names = {norm(n) for n in link.title.split(" ", 1)} | {norm(link.title)}
                        oid = int(link.id)
                        right: bool | None = norm(m.text) in names or (norm(m.text), oid) in aliases
                        if right:
                            linked_orgs.add(oid)
                    else:
                        right = judged.get((kind, m.text, record))
                    c = counts.setdefault(
                        f"{kind}:{key}", {"links": 0, "right": 0, "unlabelled": 0}
                    )
                    c["links"] += 1
                    c["right"] += bool(right)
                    c["unlabelled"] += right is None
                    para = paragraphs.get(m.paragraphs[0] if m.paragraphs else 1, "")
                    at = para.find(m.text)
                    dump.append(
                        {
                            "set": key,
                            "document": doc.title[:60],
                            "kind": kind,
                            "mention": m.text,
                            "record": record,
                            "confidence": link.confidence,
                            "basis": link.basis,
                            "context": para[max(0, at - 40) : at + len(m.text) + 40],
                            "right": right,
                        }
                    )
        for org in orgs:
            for name in (org.name_zh, org.name_en):
                if name and len(name) >= 4 and name in text:
                    recall["named"] += 1
                    if org.id in linked_orgs:
                        recall["linked"] += 1
                    else:
                        recall["missed"].append(name)
                    break
    session.rollback()
    summary: dict[str, Any] = {}
    for name, c in sorted(counts.items()):
        labelled = c["links"] - c["unlabelled"]
        summary[name] = {
            **c,
            "precision": round(c["right"] / labelled, 3) if labelled else None,
        }
    for kind in ("organisation", "place", "term"):
        parts = [c for n, c in counts.items() if n.startswith(kind)]
        links_n = sum(c["links"] for c in parts)
        labelled = links_n - sum(c["unlabelled"] for c in parts)
        right = sum(c["right"] for c in parts)
        summary[kind] = {
            "links": links_n,
            "labelled": labelled,
            "right": right,
            "precision": round(right / labelled, 3) if labelled else None,
        }
    out = {
        "documents": {k: args.per_set for k in SETS},
        "world": "labline demo --size small --seed 42",
        "min_confidence": links.MIN_CONFIDENCE,
        "precision": summary,
        "organisation_recall": {
            "named_in_documents": recall["named"],
            "linked": recall["linked"],
            "recall": round(recall["linked"] / recall["named"], 3) if recall["named"] else None,
            "missed": sorted(set(recall["missed"]))[:20],
        },
    }
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    if args.dump:
        args.dump.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
