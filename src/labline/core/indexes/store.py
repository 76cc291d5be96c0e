"""Index snapshots on disk: one folder per generation, swapped in by one atomic rename.

    <data_dir>/indexes/<name>/current -> g<seq>-<id>     (a symbolic link)
    <data_dir>/indexes/<name>/g<seq>-<id>/snapshot.json  (what it holds, as of audit seq)
    <data_dir>/indexes/<name>/g<seq>-<id>/<part>/        (labline.search's saved format:
                                                          checksummed, vectors memory-mapped)

A new generation is written beside the live one and becomes current when the link is
replaced (`os.replace`, atomic on POSIX), so a reader sees the old snapshot or the new
one, never half of either; a reader that mapped the old one keeps it until it lets go.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labline.search import SearchIndex, persistence, termwords
from labline.search.dense import Encoder
from labline.search.errors import CorruptIndex

FORMAT = "labline-index-snapshot/1"
CURRENT = "current"


class SnapshotProblem(Exception):
    """A snapshot that cannot be used: missing, truncated, damaged or of another database."""


@dataclass
class Snapshot:
    parts: dict[str, SearchIndex]
    meta: dict[str, Any]
    generation: str

    @property
    def audit_seq(self) -> int:
        return int(self.meta["audit_seq"])


def generation(directory: Path) -> str | None:
    """The current generation's folder name, or None if there is no snapshot."""
    try:
        return os.readlink(directory / CURRENT)
    except OSError:
        return None


def read_meta(directory: Path) -> tuple[str, dict[str, Any]]:
    """The current generation and its description; SnapshotProblem if there is none or it
    cannot be read."""
    gen = generation(directory)
    if gen is None:
        raise SnapshotProblem(f"no snapshot in {directory}")
    path = directory / gen / "snapshot.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SnapshotProblem(f"{path} is missing or truncated") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise SnapshotProblem(f"{path} is not a {FORMAT} snapshot")
    return gen, meta


def words_version() -> str:
    """The stamp of the word list a snapshot's texts are cut with (kept in its meta)."""
    return termwords.words_version()


def outdated(meta: dict[str, Any], version: int) -> str | None:
    """Why a snapshot holds records of another shape than its index's now (None if it
    does not): it was written with another version of the index's spec (1 if unsaid), or
    its texts were cut into words with another technical term list (search.termwords)."""
    written = int(meta.get("version", 1))
    if written != version:
        return f"it holds version {written} of the records, not {version}"
    if meta.get("words") != termwords.words_version():
        # Its texts were cut into words with another technical term list (热|管理).
        return "its words were cut with another list of technical terms"
    return None


def read(directory: Path, *, encoder: Encoder | None, full: bool = True) -> Snapshot:
    """Open the current snapshot, vectors memory-mapped, every part's checksum verified
    (`full`), or every part's size and the checksums of what is read whole (a process
    opening it: see `persistence.load`)."""
    gen, meta = read_meta(directory)
    parts: dict[str, SearchIndex] = {}
    verify = "full" if full else "quick"
    for name in meta["parts"]:
        try:
            parts[name] = persistence.load(directory / gen / name, encoder=encoder, verify=verify)
        except (CorruptIndex, OSError, ValueError, KeyError) as exc:
            raise SnapshotProblem(f"part {name}: {exc}") from exc
    return Snapshot(parts, meta, gen)


def write(directory: Path, parts: Mapping[str, SearchIndex], meta: dict[str, Any]) -> str:
    """Write a new generation beside the current one and swap it in; returns its name."""
    directory.mkdir(parents=True, exist_ok=True)
    gen = f"g{int(meta['audit_seq'])}-{uuid.uuid4().hex[:8]}"
    staging = directory / f"{gen}.writing"
    staging.mkdir()
    try:
        for name, index in parts.items():
            persistence.save(index, staging / name)
        body = {**meta, "format": FORMAT, "parts": sorted(parts)}
        with (staging / "snapshot.json").open("w", encoding="utf-8") as fh:
            json.dump(body, fh)
            fh.flush()
            os.fsync(fh.fileno())
        staging.rename(directory / gen)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    link = directory / f"{CURRENT}.{gen}"
    os.symlink(gen, link)
    previous = generation(directory)
    os.replace(link, directory / CURRENT)  # the swap
    _fsync_dir(directory)
    _prune(directory, keep={gen, previous})
    return gen


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(directory: Path, keep: set[str | None]) -> None:
    """Remove older generations (and abandoned half-written ones); the previous one is
    kept, for readers that opened it a moment ago."""
    for path in directory.iterdir():
        if path.name == CURRENT or path.name in keep or not path.name.startswith("g"):
            continue
        if path.name.endswith(".writing") and time.time() - path.stat().st_mtime < 3600:
            continue  # another process may be writing it now
        with contextlib.suppress(OSError):
            shutil.rmtree(path)
