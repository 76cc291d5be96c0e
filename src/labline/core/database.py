"""Database administration: migrate, check, back up and restore.

A backup is a zip file with a manifest (magic, format version, schema revision, row
counts and a SHA-256 per table) and one JSON-lines file per table. Restore verifies
everything before touching the database, then replaces all rows in one transaction.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, delete, insert, select, text
from sqlalchemy.types import Date, DateTime, Numeric

from labline import __version__, clock
from labline.core import guards
from labline.db import Base
from labline.errors import InvalidInput

MAGIC = "labline-backup"
FORMAT = 1

Progress = Callable[[str, int], None]


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("labline") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The database's revision(s); modules developed side by side may leave several heads."""
    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads)) or None


def head_revision(engine: Engine) -> str | None:
    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    return ",".join(sorted(heads)) or None


def _tables() -> list[Any]:
    # Complete once `labline.registry` has imported every module's tables (the app and the
    # command line do so at start).
    return list(Base.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return dt.date.fromisoformat(value)
    if isinstance(column.type, Numeric) and isinstance(value, str):
        return decimal.Decimal(value)
    return value


def _rows(engine: Engine, table: Any) -> Iterator[dict[str, Any]]:
    with engine.connect() as conn:
        pk = list(table.primary_key.columns)
        result = conn.execution_options(yield_per=5000).execute(select(table).order_by(*pk))
        for row in result.mappings():
            yield {k: _encode(v) for k, v in row.items()}


def backup(engine: Engine, target: Path, *, progress: Progress | None = None) -> dict[str, Any]:
    """Write every table to a zip; the file appears only when complete (temp + rename)."""
    revision = current_revision(engine)
    manifest: dict[str, Any] = {
        "magic": MAGIC,
        "format": FORMAT,
        "labline_version": __version__,
        "schema_revision": revision,
        "created_at": clock.now().isoformat(),
        "tables": {},
    }
    tmp = target.with_suffix(target.suffix + ".partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for table in _tables():
            digest, count = hashlib.sha256(), 0
            with zf.open(f"tables/{table.name}.jsonl", "w") as fh:
                for row in _rows(engine, table):
                    line = (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode()
                    digest.update(line)
                    fh.write(line)
                    count += 1
            manifest["tables"][table.name] = {"rows": count, "sha256": digest.hexdigest()}
            if progress:
                progress(table.name, count)
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    tmp.replace(target)
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    def refuse(why: str) -> InvalidInput:
        return InvalidInput(f"{source} is not a labline backup: {why}.")

    if not source.is_file():
        raise InvalidInput(f"No such file: {source}.")
    if not zipfile.is_zipfile(source):
        raise refuse("it is not a zip archive")
    with zipfile.ZipFile(source) as zf:
        try:
            manifest = json.loads(zf.read("manifest.json"))
        except (KeyError, ValueError) as exc:
            raise refuse("it has no readable manifest.json") from exc
        if not isinstance(manifest, dict) or manifest.get("magic") != MAGIC:
            raise refuse("its manifest does not say labline-backup")
        if manifest.get("format") != FORMAT:
            raise refuse(f"its format {manifest.get('format')} is not {FORMAT}")
        names = set(zf.namelist())
        for name, meta in manifest["tables"].items():
            member = f"tables/{name}.jsonl"
            if member not in names:
                raise refuse(f"table {name} is missing")
            digest = hashlib.sha256()
            with zf.open(member) as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
            if digest.hexdigest() != meta["sha256"]:
                raise refuse(f"table {name} is damaged (checksum mismatch)")
    return manifest


def restore(engine: Engine, source: Path, *, progress: Progress | None = None) -> dict[str, Any]:
    """Replace the database's contents with a verified backup, all or nothing."""
    manifest = read_manifest(source)
    known = {t.name for t in _tables()}
    unknown = set(manifest["tables"]) - known
    if unknown:
        raise InvalidInput(f"The backup has tables this labline does not know: {sorted(unknown)}.")
    if manifest.get("schema_revision") != current_revision(engine):
        raise InvalidInput(
            f"The backup is of schema revision {manifest.get('schema_revision')}, the database"
            f" is at {current_revision(engine)}; run `labline db upgrade` on a database at the"
            " backup's revision first."
        )
    with zipfile.ZipFile(source) as zf, engine.begin() as conn:
        _lift_guards(conn)
        for table in reversed(_tables()):
            conn.execute(delete(table))
        for table in _tables():
            if table.name not in manifest["tables"]:
                continue
            batch: list[dict[str, Any]] = []
            count = 0
            with zf.open(f"tables/{table.name}.jsonl") as fh:
                for line in fh:
                    raw = json.loads(line)
                    batch.append({c.name: _decode(c, raw.get(c.name)) for c in table.columns})
                    if len(batch) >= 2000:
                        conn.execute(insert(table), batch)
                        count += len(batch)
                        batch = []
            if batch:
                conn.execute(insert(table), batch)
                count += len(batch)
            if count != manifest["tables"][table.name]["rows"]:
                raise InvalidInput(f"Table {table.name}: read {count} rows, manifest says more.")
            if progress:
                progress(table.name, count)
        _restore_guards(conn)
        if conn.dialect.name == "postgresql":
            reset_sequences(conn)
    return manifest


def _lift_guards(conn: Any) -> None:
    for table, _function, _message in guards.guarded(_tables()):
        guards.remove(conn, table)


def _restore_guards(conn: Any) -> None:
    for table, function, message in guards.guarded(_tables()):
        guards.install(conn, table, function, message)


def reset_sequences(conn: Any) -> None:
    # Restored ids were inserted explicitly; move each serial sequence past them.
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement in (True, "auto"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'),"
                    f" COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                )
            )


def wipe(engine: Engine) -> None:
    """Delete every record (the schema stays), in one transaction."""
    with engine.begin() as conn:
        _lift_guards(conn)
        for table in reversed(_tables()):
            conn.execute(delete(table))
        _restore_guards(conn)
