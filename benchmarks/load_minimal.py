"""The floor for benchmarks/load.py: the same request shapes as labline's, answered by a
minimal FastAPI + SQLAlchemy app on the same database (plain SQL, one session per request,
no permissions, no audit, no search index, no templates).

Usage: python -m benchmarks.load_minimal DATABASE_URL PORT [WORKERS]
"""

import csv
import hashlib
import io
import os
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, Header, HTTPException, Response
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

NEED = "id, organisation_id, title, summary, field, industry_code, region_code, published_at"


def make_app(url: str) -> FastAPI:
    sqlite = url.startswith("sqlite")
    engine = create_engine(
        url,
        pool_size=20,
        max_overflow=10,
        connect_args={"check_same_thread": False, "timeout": 30} if sqlite else {},
    )
    if sqlite:

        @event.listens_for(engine, "connect")
        def _wal(dbapi_conn: Any, _r: Any) -> None:
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            dbapi_conn.execute("PRAGMA synchronous=NORMAL")

    factory = sessionmaker(bind=engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS load_minimal_bookings (id INTEGER PRIMARY KEY, "
                "instrument_id INTEGER, person_id INTEGER, starts_at VARCHAR(40), "
                "ends_at VARCHAR(40))"
                if sqlite
                else "CREATE TABLE IF NOT EXISTS load_minimal_bookings (id SERIAL PRIMARY KEY, "
                "instrument_id INTEGER, person_id INTEGER, starts_at VARCHAR(40), "
                "ends_at VARCHAR(40))"
            )
        )
    app = FastAPI()

    def db() -> Iterator[Session]:
        with factory() as s, s.begin():
            yield s

    Db = Annotated[Session, Depends(db)]

    def person(s: Session, authorization: str | None) -> int:
        secret = (authorization or "").removeprefix("Bearer ").strip()
        digest = hashlib.sha256(secret.encode()).hexdigest()
        pid = s.execute(
            text("SELECT person_id FROM api_tokens WHERE token_hash = :h"), {"h": digest}
        ).scalar()
        if pid is None:
            raise HTTPException(401)
        return int(pid)

    def listing(s: Session, table: str, page: int, q: str | None) -> dict[str, Any]:
        where = "state = 'published'" + (" AND title LIKE :q" if q else "")
        params = {"q": f"%{q}%", "n": 25, "o": 25 * (page - 1)}
        total = s.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"), params).scalar()
        rows = s.execute(
            text(
                f"SELECT {NEED} FROM {table} WHERE {where} ORDER BY published_at DESC, id "
                "LIMIT :n OFFSET :o"
            ),
            params,
        )
        return {"items": [dict(r._mapping) for r in rows], "total": total, "page": page}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/market/needs")
    def needs(s: Db, page: int = 1, q: str | None = None) -> Any:
        return listing(s, "market_needs", page, q)

    @app.get("/api/v1/market/achievements")
    def achievements(s: Db, page: int = 1, q: str | None = None) -> Any:
        return listing(s, "market_achievements", page, q)

    @app.get("/api/v1/market/needs/export")
    def export(s: Db, format: str = "csv") -> Response:
        rows = s.execute(text(f"SELECT {NEED} FROM market_needs WHERE state = 'published'"))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(NEED.split(", "))
        writer.writerows(rows)
        return Response("\ufeff" + out.getvalue(), media_type="text/csv")

    @app.get("/api/v1/market/needs/{need_id}")
    def need(s: Db, need_id: int) -> Any:
        row = s.execute(
            text(f"SELECT {NEED} FROM market_needs WHERE id = :i"), {"i": need_id}
        ).first()
        if row is None:
            raise HTTPException(404)
        return dict(row._mapping)

    @app.get("/api/v1/market/needs/{need_id}/suggestions")
    def suggestions(
        s: Db, need_id: int, k: int = 10, authorization: Annotated[str | None, Header()] = None
    ) -> Any:
        person(s, authorization)
        industry = s.execute(
            text("SELECT industry_code FROM market_needs WHERE id = :i"), {"i": need_id}
        ).scalar()
        rows = s.execute(
            text(
                f"SELECT {NEED} FROM market_achievements WHERE state = 'published' "
                "ORDER BY industry_code = :c DESC, id LIMIT :k"
            ),
            {"c": industry, "k": k},
        )
        return [dict(r._mapping) for r in rows]

    @app.get("/api/v1/review/assignments/mine")
    def assignments(s: Db, authorization: Annotated[str | None, Header()] = None) -> Any:
        pid = person(s, authorization)
        rows = s.execute(
            text(
                "SELECT id, call_id, proposal_id, kind, affinity FROM review_assignments "
                "WHERE reviewer_id = :p AND is_active ORDER BY id"
            ),
            {"p": pid},
        )
        return [dict(r._mapping) for r in rows]

    @app.post("/api/v1/facilities/bookings", status_code=201)
    def book(
        s: Db, body: dict[str, Any], authorization: Annotated[str | None, Header()] = None
    ) -> Any:
        pid = person(s, authorization)
        clash = s.execute(
            text(
                "SELECT id FROM load_minimal_bookings WHERE instrument_id = :i "
                "AND starts_at < :e AND ends_at > :s"
            ),
            {"i": body["instrument_id"], "s": body["starts_at"], "e": body["ends_at"]},
        ).first()
        if clash is not None:
            raise HTTPException(409)
        s.execute(
            text(
                "INSERT INTO load_minimal_bookings (instrument_id, person_id, starts_at, ends_at)"
                " VALUES (:i, :p, :s, :e)"
            ),
            {"i": body["instrument_id"], "p": pid, "s": body["starts_at"], "e": body["ends_at"]},
        )
        return {"ok": True}

    return app


def app_from_env() -> FastAPI:
    """For uvicorn's worker processes (a factory it imports by name)."""
    return make_app(os.environ["LOAD_MINIMAL_URL"])


if __name__ == "__main__":
    os.environ["LOAD_MINIMAL_URL"] = sys.argv[1]
    uvicorn.run(
        "benchmarks.load_minimal:app_from_env",
        factory=True,
        host="127.0.0.1",
        port=int(sys.argv[2]),
        workers=int(sys.argv[3]) if len(sys.argv) > 3 else 1,  # as many as labline's
        log_level="warning",
        timeout_keep_alive=75,  # as `labline serve`
    )
