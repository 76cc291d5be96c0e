"""Precision (and recall where labelled) of intel's links: the organisations, places and
technical terms real documents name, linked to the records of a demo world.

    python benchmarks/intel_links.py --world DATA_DIR [--per-set 15] [--json FILE]
        [--dump FILE]

- World: a demo world built by `labline --data-dir DATA_DIR demo` (small, seed 42); its
  database is copied, so the world is left as it was.
- Documents: fixed samples (seeded) of real texts from ../shared/data/texts (see SETS):
  Chinese State Council documents and Government Work Reports, White House remarks, NASA
  technologies, and texts naming one of the market's technologies, imported through the
  ingest service.
- Organisations: REAL_ORGANISATIONS are added to the copy through core's service (the
  demo's own are invented, so no real text names them).
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
from collections import Counter
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
    # Texts that name technologies and real organisations: every Government Work Report from
    # 2015 on, and NASA technologies offered for licensing (patents and software; abstracts).
    "zh_reports": "zh_gov_policy_docs/zh_gov_policy_docs.jsonl",
    "en_nasa": "nasa_techtransfer_en/nasa_techtransfer.jsonl",
    # Texts that name one of the market's technologies (a record's field, as the world has
    # them): NASA technologies and Chinese scientific abstracts. Real texts rarely name the
    # demo's technologies otherwise, and a term link can only be right where one is named.
    "en_nasa_tech": "nasa_techtransfer_en/nasa_techtransfer.jsonl",
    "zh_csl_tech": "csl_zh_sci_abstracts/csl_dev.jsonl",
}
# Real organisations the real texts name, added to the world's directory (the demo's own
# organisations are invented): official Chinese and English names, as their own sites give
# them. A link to one is judged by name, like any organisation link.
REAL_ORGANISATIONS = [
    ("国家发展和改革委员会", "National Development and Reform Commission", "CN"),
    ("科学技术部", "Ministry of Science and Technology", "CN"),
    ("工业和信息化部", "Ministry of Industry and Information Technology", "CN"),
    ("财政部", "Ministry of Finance", "CN"),
    ("教育部", "Ministry of Education", "CN"),
    ("商务部", "Ministry of Commerce", "CN"),
    ("农业农村部", "Ministry of Agriculture and Rural Affairs", "CN"),
    ("生态环境部", "Ministry of Ecology and Environment", "CN"),
    ("人力资源和社会保障部", "Ministry of Human Resources and Social Security", "CN"),
    ("中国人民银行", "People's Bank of China", "CN"),
    ("中国科学院", "Chinese Academy of Sciences", "CN"),
    ("国家统计局", "National Bureau of Statistics", "CN"),
    ("国家知识产权局", "China National Intellectual Property Administration", "CN"),
    ("兰利研究中心", "Langley Research Center", "US"),
    ("格伦研究中心", "Glenn Research Center", "US"),
    ("约翰逊航天中心", "Johnson Space Center", "US"),
    ("马歇尔太空飞行中心", "Marshall Space Flight Center", "US"),
    ("肯尼迪航天中心", "Kennedy Space Center", "US"),
    ("艾姆斯研究中心", "Ames Research Center", "US"),
    ("戈达德太空飞行中心", "Goddard Space Flight Center", "US"),
    ("喷气推进实验室", "Jet Propulsion Laboratory", "US"),
    ("阿姆斯特朗飞行研究中心", "Armstrong Flight Research Center", "US"),
    ("斯坦尼斯航天中心", "Stennis Space Center", "US"),
    ("美国能源部", "Department of Energy", "US"),
    ("美国国防部", "Department of Defense", "US"),
    ("美国教育部", "Department of Education", "US"),
    ("美国农业部", "Department of Agriculture", "US"),
    ("美国国土安全部", "Department of Homeland Security", "US"),
    ("美国环境保护署", "Environmental Protection Agency", "US"),
]
_PUNCT = re.compile(r"[\s\W_]+")


def norm(name: str) -> str:
    return _PUNCT.sub("", name.lower()).removeprefix("the")


def _report(row: dict[str, Any]) -> bool:
    year = row.get("year")
    return row.get("collection") == "government_work_report" and int(year or 0) >= 2015


def _names_field(text: str, fields: set[str]) -> bool:
    low = text.lower()
    return any(
        re.search(rf"\b{re.escape(f.lower())}\b", low) if f.isascii() else f in text
        for f in fields
        if f
    )


def sample(per_set: int, fields: set[str] = frozenset()) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for key, rel in SETS.items():
        rows = [json.loads(line) for line in (TEXTS / rel).open(encoding="utf-8")]
        for r in rows:
            r["text"] = r.get("text") or r.get("abstract") or ""
        rows = [r for r in rows if r["text"].strip()]
        if key == "zh_reports":
            out += [(key, r) for r in rows if _report(r)]
            continue
        if key == "en_nasa":
            rows = [r for r in rows if r.get("type") in ("patent", "software")]
        if key.endswith("_tech"):
            rows = [r for r in rows if _names_field(f"{r.get('title')} {r['text']}", fields)]
        random.Random(15).shuffle(rows)
        out += [(key, r) for r in rows[:per_set]]
    return out


def add_real_organisations(session: Any, actor: Any) -> list[Any]:
    """The real organisations, through core's service as an operator would add them."""
    import labline.core.audit  # noqa: F401  the audit hooks, as every app process has them
    from labline.core.models import OrganisationKind
    from labline.core.schemas import OrganisationCreate
    from labline.core.service.organisations import create_organisation

    out = []
    for zh, en, country in REAL_ORGANISATIONS:
        data = OrganisationCreate(
            name_zh=zh,
            name_en=en,
            kind=OrganisationKind.government_office,
            country=country,
            region_code="110000" if country == "CN" else None,
        )
        out.append(create_organisation(session, actor=actor, data=data))
    session.commit()  # a copy of the world: its directory catches up from the audit trail
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
    from labline.market.models import Achievement, TechnologyNeed

    tmp = Path(tempfile.mkdtemp(prefix="intel-links-"))
    shutil.copy(args.world / "labline.db", tmp / "labline.db")
    if (args.world / "indexes").is_dir():
        shutil.copytree(args.world / "indexes", tmp / "indexes", symlinks=True)
    session = make_sessionmaker(make_engine(f"sqlite:///{tmp / 'labline.db'}"))()
    actor = command_line_actor("benchmark")
    # A web process's view: indexes from the snapshot and audit tail, nothing encoded here.
    holder = SimpleNamespace(settings=Settings(env="test", data_dir=tmp, jobs="sqlite"))
    real = add_real_organisations(session, actor)
    coll = records.collection_named(session, actor=actor, name="links-benchmark")
    orgs = session.scalars(select(Organisation)).all()
    labels = json.loads(LABELS.read_text(encoding="utf-8")) if LABELS.is_file() else {}
    # An alias names its organisation by id (the demo's) or by English name (the real ones).
    aliases = {(norm(a), str(i)) for a, i in labels.get("organisation_aliases", [])}
    judged = {(j["kind"], j["mention"], j["record"]): j["right"] for j in labels.get("links", [])}

    counts: dict[str, dict[str, int]] = {}
    recall = {"named": 0, "linked": 0, "missed": []}
    dump = []
    fields = {a.field for a in session.scalars(select(Achievement))} | {
        n.field for n in session.scalars(select(TechnologyNeed))
    }
    docs = sample(args.per_set, fields)
    for key, row in docs:
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
                        right: bool | None = (
                            norm(m.text) in names
                            or (norm(m.text), str(oid)) in aliases
                            or any((norm(m.text), n) in aliases for n in link.title.split(" ", 1))
                        )
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
        "documents": dict(Counter(key for key, _ in docs)),
        "world": f"labline demo --size small --seed 42, plus {len(real)} real organisations",
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
