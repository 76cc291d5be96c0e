"""Dictionaries prebuilt on disk and looked up as needed, so a fresh process does not
parse them: jieba's prefix dictionary and the CC-CEDICT bridge in SQLite files.

Parsing CC-CEDICT (120,000 entries, each gloss stemmed) took 8 s of CPU and loading
jieba's dictionary (590,000 prefixes, from its own marshal cache) 1–3 s, in every
process, before its first answer; a query looks up a few dozen words. The tables are
built once, in a cache folder, named by a hash of what they are made from (the source
files, the code's format, the stemmer's version), so a changed source gives a new file
and a stale one is never read. A table is written beside its final name and renamed in,
so a reader sees a whole file or none; readers open it read-only and immutable.

The folder: `LABLINE_CACHE_DIR`, else `$XDG_CACHE_HOME/labline`, else `~/.cache/labline`.
If it cannot be written, the caller falls back to parsing in memory (the old way).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

FORMAT = "labline-lexicon/1"
_MISSING = object()


def cache_dir() -> Path:
    explicit = os.environ.get("LABLINE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "labline"


def content_hash(*parts: bytes | str) -> str:
    digest = hashlib.sha256(FORMAT.encode())
    for part in parts:
        digest.update(b"\0" + (part.encode() if isinstance(part, str) else part))
    return digest.hexdigest()[:20]


class DiskTable:
    """A read-only str -> value table in a SQLite file, looked up on demand; every answer
    (and every miss) is remembered, so a word costs one look-up per process."""

    def __init__(self, path: Path, decode: Callable[[Any], Any] = lambda v: v) -> None:
        self.path = path
        self._decode = decode
        self._memo: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self.meta: dict[str, Any] = json.loads(str(self._query("SELECT v FROM meta", ())))

    def _query(self, sql: str, args: tuple[Any, ...]) -> Any:
        with self._lock:
            if self._conn is None or self._pid != os.getpid():  # never used across a fork
                uri = f"file:{self.path}?mode=ro&immutable=1"
                self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
                self._pid = os.getpid()
            row = self._conn.execute(sql, args).fetchone()
        return None if row is None else row[0]

    def get(self, key: str, default: Any = None) -> Any:
        value = self._memo.get(key, _MISSING)
        if value is _MISSING:
            raw = self._query("SELECT v FROM t WHERE k = ?", (key,))
            value = self._memo[key] = None if raw is None else self._decode(raw)
        return default if value is None else value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value


def open_or_build(
    name: str,
    key: str,
    rows: Callable[[], Iterable[tuple[str, Any]]],
    *,
    meta: Callable[[], dict[str, Any]] = dict,
    decode: Callable[[Any], Any] = lambda v: v,
) -> DiskTable | None:
    """The table `<name>-<key>.sqlite` in the cache folder, built from `rows()` first if
    it is not there; None if the folder cannot be written (the caller parses in memory).
    Values are stored as given (int, float, str) or as JSON (anything else)."""
    folder = cache_dir()
    path = folder / f"{name}-{key}.sqlite"
    if not path.is_file():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _build(path, rows(), meta())
        except OSError:
            return None
        _prune(folder, name, keep=path)
    try:
        return DiskTable(path, decode)
    except (sqlite3.Error, ValueError, TypeError):  # damaged: build it again, once
        with contextlib.suppress(OSError):
            path.unlink()
        try:
            _build(path, rows(), meta())
            return DiskTable(path, decode)
        except (OSError, sqlite3.Error):
            return None


def _build(path: Path, rows: Iterable[tuple[str, Any]], meta: dict[str, Any]) -> None:
    staging = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.writing")
    with contextlib.suppress(OSError):
        staging.unlink()
    conn = sqlite3.connect(staging)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v) WITHOUT ROWID")
        conn.execute("CREATE TABLE meta (v TEXT)")
        conn.execute("INSERT INTO meta VALUES (?)", (json.dumps(meta),))
        conn.executemany(
            "INSERT INTO t VALUES (?, ?)",
            (
                (k, v if isinstance(v, int | float | str) else json.dumps(v, ensure_ascii=False))
                for k, v in rows
            ),
        )
        conn.commit()
    except BaseException:
        conn.close()
        with contextlib.suppress(OSError):
            staging.unlink()
        raise
    conn.close()
    with staging.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(staging, path)


def _prune(folder: Path, name: str, keep: Path) -> None:
    """Tables of the same name built from older sources."""
    for old in folder.glob(f"{name}-*.sqlite"):
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()
