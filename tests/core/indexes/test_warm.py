"""The core's warm-up: an app opens every index that has a snapshot before its first request,
and builds none from nothing while it starts."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from labline.app import create_app
from labline.config import Settings
from labline.core.indexes import service as indexes
from tests.factories import make_achievement, make_need, make_org

QUERY = "钙钛矿"


def snapshotted_world(db: Session, data_dir: Path, *, without: tuple[str, ...] = ()) -> None:
    """Records with the query's words, and each index's snapshot (but `without`'s) beside
    the database, as `labline demo` leaves them."""
    make_need(db, org=make_org(db, name_zh="钙钛矿光伏企业"))
    make_achievement(db)
    db.commit()
    for spec in indexes.SPECS.values():
        if spec.name not in without:
            indexes.rebuild(db, spec, data_dir / "indexes" / spec.name)
    db.commit()


def served_app(data_dir: Path, database_url: str, sessions: sessionmaker[Session] | None = None):  # type: ignore[no-untyped-def]
    """An app as `labline serve` makes it: not the suite's environment (whose apps skip the
    warm-up), its jobs for a worker."""
    settings = Settings(
        env="development", data_dir=data_dir, database_url=database_url, jobs="sqlite"
    )
    return create_app(settings, session_factory=sessions)


def test_an_app_opens_every_index_with_a_snapshot_before_its_first_request(
    db, session_factory, database_url, tmp_path
):
    snapshotted_world(db, tmp_path, without=("market",))
    app = served_app(tmp_path, database_url, session_factory)
    with TestClient(app) as client:
        opened = dict(app.state.indexes)
        # Every index with a snapshot is open; the one without is left to the worker and
        # the first request, not built while the app starts.
        assert set(opened) == set(indexes.SPECS) - {"market"}
        assert all(live.generation is not None for live in opened.values())
        r = client.get("/search", params={"q": QUERY})
        assert r.status_code == 200, r.text
        assert "钙钛矿光伏企业" in r.text
        # The request used the indexes opened at start-up (none opened again) ...
        assert all(app.state.indexes[name] is live for name, live in opened.items())
        # ... and opened the one without a snapshot, lexically until the worker builds it.
        assert app.state.indexes["market"].generation is None
        assert "lexical" in app.state.indexes["market"].note


def test_the_suites_apps_open_their_indexes_when_asked(db, session_factory, settings, tmp_path):
    snapshotted_world(db, tmp_path)
    with TestClient(create_app(settings, session_factory=session_factory)) as client:
        assert getattr(client.app.state, "indexes", None) is None  # type: ignore[attr-defined]
