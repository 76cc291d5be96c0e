"""Checking a backup before it replaces anything: every member readable (a bad CRC or a cut
file is named, never a traceback), checksums, the manifest's signature (HMAC with the audit
key: a table edited with its checksum recomputed does not carry it), and the backup's own
audit trail (chain and signed head) with every audited row compared against it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from labline.core.audit_keys import current_key, mac, same
from labline.core.audit_rows import audited_tables
from labline.core.audit_verify import PROBLEMS, ChainCheck, check_head, compare_table
from labline.errors import FieldError, InvalidInput

MAGIC = "labline-backup"
FORMAT = 2
# What a damaged zip member raises while it is read.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)
Decode = Callable[[Any, Any], Any]


def sign(manifest: dict[str, Any], *, key: bytes | None = None) -> str:
    return mac({k: v for k, v in manifest.items() if k != "mac"}, key=key or current_key())


def _damaged(source: Path, what: str, exc: BaseException | str) -> InvalidInput:
    return InvalidInput(f"{source} is damaged: {what} cannot be read ({exc}); nothing was changed.")


def _digest(zf: zipfile.ZipFile, member: str) -> str:
    digest = hashlib.sha256()
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _well_formed(manifest: Any) -> bool:
    def entries(d: Any) -> bool:
        return isinstance(d, dict) and all(
            isinstance(v, dict) and isinstance(v.get("sha256"), str) for v in d.values()
        )

    return (
        isinstance(manifest, dict)
        and entries(manifest.get("tables"))
        and all(isinstance(v.get("rows"), int) for v in manifest["tables"].values())
        and entries(manifest.get("files", {}))
    )


def read_manifest(source: Path, *, key: bytes | None = None) -> dict[str, Any]:
    def refuse(why: str) -> InvalidInput:
        return InvalidInput(f"{source} is not a labline backup: {why}.")

    if not source.is_file():
        raise InvalidInput(f"No such file: {source}.")
    if not zipfile.is_zipfile(source):
        raise refuse("it is not a zip archive")
    try:
        zf = zipfile.ZipFile(source)
    except (*READ_ERRORS, ValueError) as exc:
        raise _damaged(source, "its table of contents", exc) from exc
    with zf:
        try:
            manifest = json.loads(zf.read("manifest.json"))
        except KeyError as exc:
            raise refuse("it has no manifest.json") from exc
        except (*READ_ERRORS, ValueError) as exc:
            raise refuse(f"its manifest.json is unreadable ({exc})") from exc
        if not isinstance(manifest, dict) or manifest.get("magic") != MAGIC:
            raise refuse("its manifest does not say labline-backup")
        if manifest.get("format") != FORMAT:
            raise refuse(f"its format {manifest.get('format')} is not {FORMAT}")
        if not _well_formed(manifest):
            raise refuse("its manifest lists tables or files without rows and checksums")
        names = set(zf.namelist())
        members = [(f"table {t}", f"tables/{t}.jsonl", m) for t, m in manifest["tables"].items()]
        members += [(f"file {f}", f"files/{f}", m) for f, m in manifest["files"].items()]
        for what, member, meta in members:
            if member not in names:
                raise refuse(f"{what} is missing")
            try:
                digest = _digest(zf, member)
            except READ_ERRORS as exc:
                raise _damaged(source, what, exc) from exc
            if digest != meta["sha256"]:
                raise InvalidInput(f"{source} is damaged: {what} does not match its checksum.")
    if not isinstance(manifest.get("mac"), str) or not same(
        sign(manifest, key=key), manifest["mac"]
    ):
        raise InvalidInput(
            f"{source} is not signed with this installation's audit key: it was altered after"
            " it was written, or written by an installation with another LABLINE_AUDIT_KEY."
        )
    return manifest


def rows(zf: zipfile.ZipFile, table: Any, decode: Decode) -> Iterator[dict[str, Any]]:
    """A table's rows from the backup, each value checked by ``decode``; a line that is not
    a row (a file cut short) is named."""
    member = f"tables/{table.name}.jsonl"
    n = 0
    try:
        with zf.open(member) as fh:
            for n, line in enumerate(fh, 1):  # noqa: B007 - n names the line that fails
                raw = json.loads(line)
                if not isinstance(raw, dict):
                    raise ValueError("not a JSON object")
                row = {c.name: raw.get(c.name) for c in table.columns}
                for c in table.columns:
                    decode(c, row[c.name])
                yield row
    except READ_ERRORS as exc:
        raise InvalidInput(f"The backup's table {table.name} cannot be read ({exc}).") from exc
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidInput(
            f"The backup's table {table.name} has a line ({n}) that is not a row of it"
            f" ({exc}): the file was cut short or edited; nothing was changed.",
            fields=[FieldError(table.name, f"line {n}: {exc}")],
        ) from exc


def batches(
    zf: zipfile.ZipFile, table: Any, decode: Decode, size: int = 2000
) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows(zf, table, decode):
        batch.append({c.name: decode(c, row[c.name]) for c in table.columns})
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def check_against_trail(
    source: Path, manifest: dict[str, Any], tables: list[Any], decode: Decode, *, key: bytes | None
) -> ChainCheck:
    """Read every row once; the backup's chain and signed head must verify with this key,
    and every audited row must be the one its trail recorded."""
    chain = ChainCheck(key or current_key())
    audited = audited_tables()
    by_name = {t.name: t for t in tables}
    problems: list[FieldError] = []
    with zipfile.ZipFile(source) as zf:

        def counted(table: Any) -> Iterator[dict[str, Any]]:
            n = 0
            for row in rows(zf, table, decode):
                n += 1
                yield row
            if n != manifest["tables"][table.name]["rows"]:
                raise InvalidInput(
                    f"The backup's table {table.name} has {n} rows, its manifest says"
                    f" {manifest['tables'][table.name]['rows']}."
                )

        if "audit_records" in by_name:
            for rec in counted(by_name["audit_records"]):
                chain.feed(rec)
        if chain.broken:
            raise InvalidInput(
                f"The backup's audit trail is broken at record {chain.broken.first_broken_seq}:"
                f" {chain.broken.reason}; nothing was changed."
            )
        heads = list(counted(by_name["audit_head"])) if "audit_head" in by_name else []
        head = check_head(chain, heads[0] if heads else None)
        if head:
            raise InvalidInput(f"The backup's audit trail does not hold: {head}.")
        for table in tables:
            if table.name in ("audit_records", "audit_head"):
                continue
            if table.name in audited:
                diffs, _n, _u = compare_table(chain, audited[table.name], counted(table))
                problems += [FieldError(f"{d.table}[{d.key}]", PROBLEMS[d.problem]) for d in diffs]
            else:
                for _row in counted(table):
                    pass
    if problems:
        raise InvalidInput(
            f"{len(problems)} row(s) of the backup differ from its audit trail (the first:"
            f" {problems[0].field} {problems[0].message}); nothing was changed.",
            fields=problems[:200],
        )
    return chain


# --- files -------------------------------------------------------------------------------------


def stage_files(source: Path, manifest: dict[str, Any], data_dir: Path) -> Path:
    """The backup's files, written beside their final place and checked; swapped in only
    once the database is restored."""
    staging = data_dir / f".restore-{secrets.token_hex(4)}"
    try:
        with zipfile.ZipFile(source) as zf:
            for rel, meta in manifest["files"].items():
                target = (staging / rel).resolve()
                if staging.resolve() not in target.parents:
                    raise InvalidInput(
                        f"The backup's file {rel} would land outside the data folder."
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(f"files/{rel}") as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
                if hashlib.sha256(target.read_bytes()).hexdigest() != meta["sha256"]:
                    raise InvalidInput(f"The backup's file {rel} does not match its checksum.")
    except READ_ERRORS as exc:
        discard(staging)
        raise _damaged(source, "a file", exc) from exc
    except BaseException:
        discard(staging)
        raise
    return staging


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def swap_files(staging: Path, data_dir: Path, trees: tuple[str, ...]) -> None:
    for tree in trees:
        current, new, old = data_dir / tree, staging / tree, staging / ".old" / tree
        if current.exists():
            old.parent.mkdir(parents=True, exist_ok=True)
            current.replace(old)
        current.parent.mkdir(parents=True, exist_ok=True)
        if new.exists():
            new.replace(current)
        else:
            current.mkdir(parents=True, exist_ok=True)
    discard(staging)
