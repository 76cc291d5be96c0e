"""Freshness in the market_scale benchmark: an achievement published through the service
until a need's suggestions hold it (for labline, with a real `labline worker` running)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from benchmarks.kit import sqlite
from benchmarks.kit.paths import SRC


def freshness(design: str, data: Path) -> dict[str, Any]:
    """Publish an achievement worded like need 1 and wait until need 1's suggestions hold
    it (labline: with a real worker running, then until the worker's vector is in use)."""
    from sqlalchemy import select
    from sqlalchemy.exc import OperationalError

    import labline.core.audit  # noqa: F401  the audit hooks, as every app process has them
    from labline.core import refdata
    from labline.core.access import command_line_actor
    from labline.core.indexes import jobs
    from labline.core.indexes import service as indexes
    from labline.db import DatabaseBusy
    from labline.market.models import Achievement, TechnologyNeed
    from labline.market.schemas import AchievementCreate, Transition
    from labline.market.service import market_index, matching, records

    sessions = sqlite.sessions(data)
    actor = command_line_actor("bench")
    worker = None
    if design == "labline":
        holder: Any = SimpleNamespace(settings=sqlite.settings(data))
        jobs.configure(holder.settings, sessions)
        worker = start_worker(data)
    else:
        holder = SimpleNamespace()
        with sessions() as s:
            holder.indexes = {"market": market_index.build(s, dense=False)}
    try:
        with sessions() as s:
            need = s.get(TechnologyNeed, 1)
            assert need is not None
            used = set(s.scalars(select(Achievement.industry_code).distinct()))
            alone = next(
                i.code for i in refdata.industries() if len(i.code) == 4 and i.code not in used
            )
            matching.suggest_for_need(s, actor=actor, holder=holder, need_id=1)  # warm
            data_in = AchievementCreate(
                kind="invention_patent",  # type: ignore[arg-type]
                title=need.title,
                summary=need.summary,
                field=need.field,
                industry_code=alone,
                readiness=7,
                language=need.language,  # type: ignore[arg-type]
                organisation_id=2,
            )
            attempts = 0
            while True:
                attempts += 1
                try:
                    new = records.create_achievement(s, actor=actor, data=data_in)
                    for action in ("submit", "publish"):
                        records.transition(
                            s,
                            actor=actor,
                            kind="achievement",
                            record_id=new.id,
                            data=Transition(action=action),  # type: ignore[arg-type]
                        )
                    s.commit()  # enqueues the encoding (labline)
                    break
                except (OperationalError, DatabaseBusy):
                    # SQLite's write lock held by the worker: the app would answer "busy,
                    # try again" (503), so the publisher tries again.
                    s.rollback()
                    if attempts == 6:
                        raise
                    time.sleep(1)
            t0 = time.perf_counter()
        fresh = fresh_dense = None
        while time.perf_counter() - t0 < 300:
            with sessions() as s:
                found = matching.suggest_for_need(
                    s, actor=actor, holder=holder, need_id=1, industry_code=alone
                )
                if fresh is None and new.id in [x.id for x in found]:
                    fresh = time.perf_counter() - t0
                live = holder.indexes["market"]
                if fresh is not None and (
                    design != "labline" or f"achievement:{new.id}" not in live.pending
                ):
                    fresh_dense = time.perf_counter() - t0
                    break
            time.sleep(0.2)
        return {
            "publish_attempts": attempts,
            "fresh_s": None if fresh is None else round(fresh, 2),
            "fresh_dense_s": (
                None if fresh_dense is None or design != "labline" else round(fresh_dense, 2)
            ),
            "pending_after": len(indexes.open_index(sessions(), market_index.SPEC, holder).pending)
            if design == "labline"
            else None,
        }
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)


def start_worker(data: Path) -> subprocess.Popen[str]:
    """A real `labline worker` on the data folder, once it is ready (its encoder loaded);
    its further output goes to `data/worker.log`."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "LABLINE_JOBS": "sqlite"}
    cli = ["--data-dir", str(data), "worker"]
    worker = subprocess.Popen(
        [sys.executable, "-c", "from labline.cli import main; main()", *cli],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert worker.stdout is not None
    for line in worker.stdout:  # ready once its encoder is loaded
        if "labline worker:" in line:
            break
    threading.Thread(target=_drain, args=(worker.stdout, data / "worker.log"), daemon=True).start()
    return worker


def _drain(stream: Any, path: Path) -> None:
    """The worker's output after it is ready, kept in a file (a full pipe would stop it)."""
    with path.open("a", encoding="utf-8") as out:
        for line in stream:
            out.write(line)
            out.flush()
