"""The audit key: where it comes from, and what it signs.

The key lives outside the database (a setting, or a file in the data folder), so that
whoever can write the database can neither recompute the chain nor forge a row's digest.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labline.errors import InvalidInput

if TYPE_CHECKING:
    from labline.config import Settings

KEY_FILE = "audit.key"
ANCHOR_FILE = "audit-anchor.json"

_settings: Settings | None = None
_key: bytes | None = None


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def key_file(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def load_key(settings: Settings) -> bytes:
    """The setting if given; else the data folder's key file, made (0600) at first use."""
    if settings.audit_key:
        return settings.audit_key.encode()
    path = key_file(settings.data_dir)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
    if path.stat().st_mode & 0o077:
        raise InvalidInput(f"The audit key file {path} must be readable by its owner only (0600).")
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise InvalidInput(f"The audit key file {path} holds no key of at least 32 characters.")
    return key.encode()


def configure(settings: Settings) -> None:
    """Use these settings' key for this process (the app and the command line call it)."""
    global _settings, _key
    _settings, _key = settings, None


def current_key() -> bytes:
    global _key
    if _key is None:
        from labline.config import get_settings

        _key = load_key(_settings or get_settings())
    return _key


def mac(data: Any, *, key: bytes | None = None) -> str:
    return hmac.new(key or current_key(), canonical(data).encode(), hashlib.sha256).hexdigest()


def row_digest(table: str, row: dict[str, Any], *, key: bytes | None = None) -> str:
    """A row's keyed fingerprint (its plain values by column name); 128 bits are plenty."""
    return mac({"t": table, "row": row}, key=key)[:32]


# --- the chain's hashes -----------------------------------------------------------------------

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "action",
    "entity_type",
    "entity_id",
    "before",
    "after",
    "prev_hash",
)
KEYED_FIELDS = (*HASHED_FIELDS, "v", "state")
VERSION = 1  # records appended now: HMAC-SHA256 over KEYED_FIELDS


def record_hash(fields: dict[str, Any], *, key: bytes | None = None) -> str:
    if not fields.get("v"):
        # Version 0, from before keyed chains: plain SHA-256, kept so old chains verify.
        data = canonical({k: fields[k] for k in HASHED_FIELDS})
        return hashlib.sha256(data.encode()).hexdigest()
    return mac({k: fields.get(k) for k in KEYED_FIELDS}, key=key)


def head_mac(seq: int, hash_: str, keyed_from: int | None, *, key: bytes | None = None) -> str:
    return mac({"head": seq, "hash": hash_, "keyed_from": keyed_from}, key=key)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
