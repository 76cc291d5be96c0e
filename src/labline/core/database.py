"""Database administration: migrate, check, back up and restore.

A backup is a zip file with a manifest (magic, format version, schema revision, row
counts and a SHA-256 per table and per file, signed with the audit key), one JSON-lines
file per table (read in one snapshot) and the uploaded files of FILE_TREES. Restore checks
everything before touching the database (every member readable, checksums, the signature,
the audit chain in the backup and every audited row against it: backup_check.py), then
replaces all rows in one transaction and the files beside them.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, delete, insert, select, text
from sqlalchemy.types import Date, DateTime, LargeBinary, Numeric

from labline import __version__, clock
from labline.core import backup_check, guards
from labline.core.audit_keys import ANCHOR_FILE
from labline.core.audit_verify import write_anchor
from labline.db import Base
from labline.errors import InvalidInput

if TYPE_CHECKING:
    from alembic.config import Config

MAGIC, FORMAT = backup_check.MAGIC, backup_check.FORMAT  # format 2: signed, files carried
# Folders under the data folder whose files belong with the database (uploaded review
# documents, stored by content hash).
FILE_TREES = ("review/documents",)

Progress = Callable[[str, int], None]


# alembic is imported where it is used: an app process never migrates, and importing it
# (with mako and pygments) cost every app process half a second at start.


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("labline") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    from alembic import command

    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The database's revision(s); modules developed side by side may leave several heads."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads)) or None


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

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
    if isinstance(value, bytes):  # e.g. stored vectors: JSON holds them as base64
        return base64.b64encode(value).decode("ascii")
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
    if isinstance(column.type, LargeBinary) and isinstance(value, str):
        return base64.b64decode(value)
    return value


def _rows(conn: Connection, table: Any) -> Iterator[dict[str, Any]]:
    pk = list(table.primary_key.columns)
    result = conn.execution_options(yield_per=5000).execute(select(table).order_by(*pk))
    for row in result.mappings():
        yield {k: _encode(v) for k, v in row.items()}


def _snapshot(engine: Engine) -> Connection:
    # Every table from one snapshot, so that the rows fit the audit trail beside them.
    conn = engine.connect()
    if conn.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def backup(
    engine: Engine,
    target: Path,
    *,
    data_dir: Path | None = None,
    key: bytes | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write every table (and the files of FILE_TREES under data_dir) to a zip; the file
    appears only when complete (temp + rename)."""
    revision = current_revision(engine)
    manifest: dict[str, Any] = {
        "magic": MAGIC,
        "format": FORMAT,
        "labline_version": __version__,
        "schema_revision": revision,
        "created_at": clock.now().isoformat(),
        "tables": {},
        "files": {},
    }
    tmp = target.with_suffix(target.suffix + ".partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        _snapshot(engine) as conn,
        conn.begin(),
    ):
        for table in _tables():
            digest, count = hashlib.sha256(), 0
            with zf.open(f"tables/{table.name}.jsonl", "w") as fh:
                for row in _rows(conn, table):
                    line = (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode()
                    digest.update(line)
                    fh.write(line)
                    count += 1
            manifest["tables"][table.name] = {"rows": count, "sha256": digest.hexdigest()}
            if progress:
                progress(table.name, count)
        for rel, path in _files(data_dir):
            digest = hashlib.sha256()
            with path.open("rb") as src, zf.open(f"files/{rel}", "w") as dst:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    dst.write(chunk)
            manifest["files"][rel] = {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}
        if progress and manifest["files"]:
            progress("files", len(manifest["files"]))
        manifest["mac"] = backup_check.sign(manifest, key=key)
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    tmp.replace(target)
    return manifest


def _files(data_dir: Path | None) -> Iterator[tuple[str, Path]]:
    if data_dir is None:
        return
    for tree in FILE_TREES:
        root = data_dir / tree
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                if not path.name.endswith(".partial"):
                    yield path.relative_to(data_dir).as_posix(), path


def read_manifest(source: Path, *, key: bytes | None = None) -> dict[str, Any]:
    """The backup's manifest, once every member has been read and checked (checksums and
    the signature); any damage ends in InvalidInput naming what is wrong."""
    return backup_check.read_manifest(source, key=key)


def restore(
    engine: Engine,
    source: Path,
    *,
    data_dir: Path | None = None,
    key: bytes | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Replace the database's contents (and the files of FILE_TREES under data_dir) with a
    verified backup, all or nothing."""
    manifest = read_manifest(source, key=key)
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
    tables = [t for t in _tables() if t.name in manifest["tables"]]
    chain = backup_check.check_against_trail(source, manifest, tables, _decode, key=key)
    staged = backup_check.stage_files(source, manifest, data_dir) if data_dir else None
    try:
        with zipfile.ZipFile(source) as zf, engine.begin() as conn:
            _lift_guards(conn)
            for table in reversed(_tables()):
                conn.execute(delete(table))
            for table in tables:
                count = 0
                for batch in backup_check.batches(zf, table, _decode):
                    conn.execute(insert(table), batch)
                    count += len(batch)
                if progress:
                    progress(table.name, count)
            _restore_guards(conn)
            if conn.dialect.name == "postgresql":
                reset_sequences(conn)
    except BaseException:
        if staged:
            backup_check.discard(staged)
        raise
    if data_dir is not None:
        if staged:
            backup_check.swap_files(staged, data_dir, FILE_TREES)
        # The restored chain is the trail now: the anchor follows it (a restore is the one
        # sanctioned way back to an earlier head).
        write_anchor(data_dir / ANCHOR_FILE, chain)
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


def wipe(engine: Engine, *, data_dir: Path | None = None) -> None:
    """Delete every record (the schema stays), in one transaction; the audit anchor in
    data_dir goes with the chain it described."""
    with engine.begin() as conn:
        _lift_guards(conn)
        for table in reversed(_tables()):
            conn.execute(delete(table))
        _restore_guards(conn)
    if data_dir is not None:
        (data_dir / ANCHOR_FILE).unlink(missing_ok=True)
