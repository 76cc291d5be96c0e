"""Document intelligence speed: ingest, search and digest, on real texts where present.

    python benchmarks/intel_speed.py [--paragraphs 100000] [--queries 100] [--json FILE]

- ingest: the real policy documents and White House remarks (../shared/data/texts) written
  out as one .txt file each and imported through the ingest service into a fresh SQLite
  database (documents/s, everything included: reading, paragraphs, near-duplicate check,
  originals kept); a 120-page PDF made with reportlab (pages/s).
- search: the database filled to N paragraphs by repeating the real paragraphs with a
  varying suffix; every paragraph's vector stored as the worker stores what it encodes,
  the snapshot written beside the database (`labline.core.indexes.rebuild`, the worker's
  job) and opened by a process that never encodes a paragraph; then `service.search` —
  dense side on (the query encoded once by USE v3), both languages, grouping into
  documents, highlights — for Chinese and English queries: p50/p95 ms; through the IVF
  index (intel's exact limit, 20,000 paragraphs) and, for comparison, by an exact scan of
  every vector (the engine's default limit, 200,000). The stored vectors are stand-ins
  (seeded unit vectors): USE encodes about 5-30 paragraphs a second on this busy machine,
  so encoding 100,000 would take hours;
  the real encoding rate is measured on a sample (`worker_encode`), and a search costs the
  same whatever the vectors mean.
- digest: `digests.service.digest_of` on documents of about 20 paragraphs (ms/doc).
- bulk: a folder of N files (`--bulk`, default 10,000: every real text there is, policy
  documents, laws, remarks, paper abstracts, NASA and patent abstracts, one .txt each, ten
  of them empty) imported by `labline intel import` in a child process, as a user would:
  interrupted (SIGINT) part-way, run again to finish (it must import exactly the rest),
  then once more (everything already imported); wall time of each, counts, peak memory.

Without the shared texts, generated sentences stand in (the result says which).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # benchmarks.kit, benchmarks.intelspeed, benchmarks.standin

from benchmarks.intelspeed.bulk import bulk  # noqa: E402
from benchmarks.intelspeed.digest import digest_speed  # noqa: E402
from benchmarks.intelspeed.prepare import prepare  # noqa: E402
from benchmarks.intelspeed.search import dense_search, write_snapshot  # noqa: E402
from benchmarks.kit import machine, sqlite  # noqa: E402
from benchmarks.kit.results import write_json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--documents", type=int, default=400)
    ap.add_argument("--bulk", type=int, default=10_000, help="files in the folder import; 0: none")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--data", type=Path, default=None, help="keep the database here")
    ap.add_argument(
        "--reuse", action="store_true", help="search the database an earlier run kept in --data"
    )
    ap.add_argument("--resnapshot", action="store_true", help="with --reuse: write it again")
    ap.add_argument("--prepare-only", action="store_true", help="build --data and stop")
    args = ap.parse_args()
    load_start = machine.load_average()
    bulk_result = bulk(args.bulk) if args.bulk else None
    # No worker here: the commits below enqueue nothing (the benchmark runs the worker's
    # code itself, in store_stand_ins).
    os.environ["LABLINE_JOBS"] = "inline"

    from labline.core.access import command_line_actor

    actor = command_line_actor("benchmark")
    tmp = args.data or Path(tempfile.mkdtemp(prefix="intel-speed-"))
    tmp.mkdir(parents=True, exist_ok=True)
    saved = tmp / "setup.json"
    session = sqlite.sessions(tmp)()
    if args.reuse and saved.is_file():  # ingest figures from the run that built it
        setup = json.loads(saved.read_text(encoding="utf-8"))
        sqlite.upgrade(tmp)  # to this code's migrations
        if args.resnapshot:
            setup["vectors"].update(write_snapshot(session, tmp))
            saved.write_text(json.dumps(setup), encoding="utf-8")
    else:
        sqlite.upgrade(tmp)
        setup = prepare(session, actor, tmp, args)
        saved.write_text(json.dumps(setup), encoding="utf-8")
    if args.prepare_only:
        print(json.dumps(setup, indent=1))
        return
    search_result = {
        **dense_search(session, actor, tmp, args.queries, setup["paragraphs"]),
        **setup["vectors"],
    }
    search_result["load_average"] = machine.load_average()
    out = {
        "data": setup["data"],
        "ingest": setup["ingest"],
        "search": search_result,
        "digest": digest_speed(session),
        "bulk_import": bulk_result,
        "machine": f"{os.cpu_count()} CPUs, shared with other jobs",
        "load_average_start_end": [load_start, machine.load_average()],
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        write_json(args.json, out, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
