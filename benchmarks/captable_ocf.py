"""Open Cap Table Format import and export, in one run: speed and fault detection.

    python benchmarks/captable_ocf.py [--sizes 1000,10000,20000] [--json FILE]

For each size N (stock issuances; N/4 stakeholders, 3 stock classes) it times, in CPU
seconds of this process (a busy machine does not blur them), `ocf.read` (every check), the
service import into a fresh SQLite database (all of it, in one transaction) and the export;
checks that the export reads back to the same package; and plants faults (unknown
stakeholder and class ids, bad quantities, unknown currencies, unsupported transaction
types, impossible dates) to count how many the reader reports at their own field path.
No peer validator is installed offline (the
OCF JSON Schemas check shapes, not that an issuance names a stakeholder that exists).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from labline import registry  # noqa: E402, F401  (every table)
from labline.core import database  # noqa: E402
from labline.core.access import command_line_actor  # noqa: E402
from labline.core.models import Organisation  # noqa: E402
from labline.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from labline.market.captable import service  # noqa: E402
from labline.market.deals.schemas import CURRENCIES  # noqa: E402
from labline.market.engine import ocf  # noqa: E402


def package(n: int, rng: random.Random) -> dict[str, Any]:
    holders = max(1, n // 4)
    return {
        "Manifest.ocf.json": {
            "file_type": "OCF_MANIFEST_FILE",
            "ocf_version": ocf.OCF_VERSION,
            "issuer": {"object_type": "ISSUER", "id": "bench", "legal_name": "Bench Co"},
            "as_of": "2026-06-30",
        },
        "Stakeholders.ocf.json": {
            "file_type": "OCF_STAKEHOLDERS_FILE",
            "items": [
                {
                    "object_type": "STAKEHOLDER",
                    "id": f"sh-{i}",
                    "name": {"legal_name": f"Holder {i}"},
                    "stakeholder_type": rng.choice(ocf.STAKEHOLDER_TYPES),
                    "current_relationship": rng.choice(ocf.RELATIONSHIPS),
                }
                for i in range(holders)
            ],
        },
        "StockClasses.ocf.json": {
            "file_type": "OCF_STOCK_CLASSES_FILE",
            "items": [
                {
                    "object_type": "STOCK_CLASS",
                    "id": cid,
                    "name": cid,
                    "class_type": "COMMON" if cid == "common" else "PREFERRED",
                    "default_id_prefix": f"{cid[:2].upper()}-",
                    "initial_shares_authorized": "UNLIMITED",
                    "votes_per_share": "1",
                    "seniority": str(k + 1),
                }
                for k, cid in enumerate(("common", "series-a", "series-b"))
            ],
        },
        "Transactions.ocf.json": {
            "file_type": "OCF_TRANSACTIONS_FILE",
            "items": [
                {
                    "object_type": "TX_STOCK_ISSUANCE",
                    "id": f"tx-{i}",
                    "date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    "security_id": f"sec-{i}",
                    "custom_id": f"CS-{i}",
                    "stakeholder_id": f"sh-{rng.randrange(holders)}",
                    "stock_class_id": rng.choice(("common", "series-a", "series-b")),
                    "quantity": str(rng.randint(1, 100_000)),
                    "share_price": {"amount": f"{rng.uniform(0, 20):.4f}", "currency": "CNY"},
                    "security_law_exemptions": [],
                }
                for i in range(n)
            ],
        },
    }


FAULTS = {
    "stakeholder_id": lambda tx: tx.update(stakeholder_id="ghost"),
    "stock_class_id": lambda tx: tx.update(stock_class_id="gold"),
    "quantity": lambda tx: tx.update(quantity="-3"),
    "share_price.currency": lambda tx: tx["share_price"].update(currency="XXX"),
    "object_type": lambda tx: tx.update(object_type="TX_WARRANT_ISSUANCE"),
    "date": lambda tx: tx.update(date="2025-02-30"),
}


def plant(pkg: dict[str, Any], rng: random.Random, per_kind: int) -> set[str]:
    items = pkg["Transactions.ocf.json"]["items"]
    expected = set()
    chosen = rng.sample(range(len(items)), per_kind * len(FAULTS))
    for k, (field, hurt) in enumerate(FAULTS.items()):
        for i in chosen[k * per_kind : (k + 1) * per_kind]:
            hurt(items[i])
            expected.add(f"Transactions.ocf.json.items[{i}].{field}")
    return expected


def run(n: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    pkg = package(n, rng)
    t = time.process_time()
    read, problems = ocf.read(pkg, currencies=tuple(CURRENCIES))
    read_s = time.process_time() - t
    assert read is not None and not problems, problems[:3]
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        database.upgrade(engine)
        factory = make_sessionmaker(engine)
        actor = command_line_actor("benchmark")
        with transaction(factory) as session:
            org = Organisation(name_zh="基准公司", name_en="Bench Co", kind="enterprise")
            session.add(org)
            session.flush()
            t = time.process_time()
            service.import_ocf(session, actor=actor, issuer_id=org.id, package=pkg)
            import_s = time.process_time() - t
            t = time.process_time()
            exported = service.export_ocf(session, actor=actor, issuer_id=org.id)
            export_s = time.process_time() - t
            again, problems = ocf.read(exported, currencies=tuple(CURRENCIES))
            assert again is not None and not problems
            same = again.issuances == read.issuances and again.stakeholders == read.stakeholders
        engine.dispose()
    bad = json.loads(json.dumps(pkg))
    expected = plant(bad, rng, per_kind=max(1, n // 1000))
    t = time.process_time()
    none, found = ocf.read(bad, currencies=tuple(CURRENCIES))
    faulty_s = time.process_time() - t
    reported = {f for f, _m, _a in found}
    return {
        "issuances": n,
        "read_s": round(read_s, 4),
        "import_s": round(import_s, 4),
        "export_s": round(export_s, 4),
        "round_trip_identical": same,
        "faults_planted": len(expected),
        "faults_reported_at_their_field": len(expected & reported),
        "other_problems_reported": len(reported - expected),
        "faulty_read_s": round(faulty_s, 4),
        "refused_whole": none is None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,20000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = [run(int(n), args.seed) for n in args.sizes.split(",")]
    for r in rows:
        print(json.dumps(r))
    if args.json:
        args.json.write_text(json.dumps({"runs": rows}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
