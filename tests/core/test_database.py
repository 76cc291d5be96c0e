"""Migrations match the models; backup and restore are verified and all-or-nothing."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select

from labline import registry
from labline.core import database
from labline.core.audit import verify_chain
from labline.core.models import Organisation
from labline.db import Base, make_engine, make_sessionmaker, transaction
from labline.errors import InvalidInput
from tests.factories import make_org

assert registry.MODULES
metadata = Base.metadata


def test_migrations_build_exactly_the_models(engine: Engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    assert database.current_revision(engine) == database.head_revision(engine)


def test_downgrade_and_upgrade_round_trip(tmp_path: Path):
    eng = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    database.upgrade(eng)
    from alembic import command

    with eng.begin() as conn:
        cfg = database.alembic_config(eng)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert database.current_revision(eng) is None
    database.upgrade(eng)
    assert database.current_revision(eng) == database.head_revision(eng)


@pytest.fixture()
def fresh(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Engine:
    """A committed, separate database (backup and restore work across transactions)."""
    if backend == "postgresql":
        from sqlalchemy import text

        base = request.getfixturevalue("postgres_url")
        admin = make_engine(base)
        name = f"restore_{tmp_path.name[-12:].replace('-', '_')}".lower()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            c.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        eng = make_engine(base.rsplit("/", 1)[0] + "/" + name)
    else:
        eng = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    database.upgrade(eng)
    yield eng
    eng.dispose()


def _count(eng: Engine) -> int:
    with eng.connect() as c:
        return int(c.scalar(select(func.count()).select_from(Organisation)) or 0)


def test_backup_restore_round_trip(fresh: Engine, tmp_path: Path):
    factory = make_sessionmaker(fresh)
    with transaction(factory) as s:
        make_org(s, name_en="Kept Ltd")
        make_org(s, name_en="Also Kept")
    target = tmp_path / "b.zip"
    manifest = database.backup(fresh, target)
    assert manifest["tables"]["organisations"]["rows"] == 2
    with transaction(factory) as s:
        make_org(s, name_en="Added after backup")
    assert _count(fresh) == 3
    database.restore(fresh, target)
    assert _count(fresh) == 2
    with transaction(factory) as s:
        assert verify_chain(s).ok
        # New rows after a restore get fresh ids (sequences moved past restored rows).
        make_org(s, name_en="After restore")
    assert _count(fresh) == 3


def test_restore_refuses_what_is_not_a_backup(fresh: Engine, tmp_path: Path):
    junk = tmp_path / "junk.zip"
    junk.write_text("not a zip")
    with pytest.raises(InvalidInput, match="not a zip"):
        database.restore(fresh, junk)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"magic": "something-else"}))
    with pytest.raises(InvalidInput, match="labline-backup"):
        database.restore(fresh, other)


def test_damaged_backup_changes_nothing(fresh: Engine, tmp_path: Path):
    factory = make_sessionmaker(fresh)
    with transaction(factory) as s:
        make_org(s)
    good = tmp_path / "good.zip"
    database.backup(fresh, good)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == "tables/organisations.jsonl":
                data = data.replace(b"enterprise", b"university")
            dst.writestr(item, data)
    with transaction(factory) as s:
        make_org(s)
    with pytest.raises(InvalidInput, match="damaged"):
        database.restore(fresh, damaged)
    assert _count(fresh) == 2


def test_restore_is_atomic_when_a_row_fails(fresh: Engine, tmp_path: Path):
    """A backup whose rows break a constraint mid-way leaves the database as it was."""
    factory = make_sessionmaker(fresh)
    with transaction(factory) as s:
        make_org(s)
        make_org(s)
    good = tmp_path / "good.zip"
    database.backup(fresh, good)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        for item in src.namelist():
            if item == "manifest.json":
                continue
            data = src.read(item)
            if item == "tables/organisations.jsonl":
                line = data.splitlines()[0]
                data = line + b"\n" + line + b"\n"  # duplicate primary key
                import hashlib

                manifest["tables"]["organisations"] = {
                    "rows": 2,
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            dst.writestr(item, data)
        dst.writestr("manifest.json", json.dumps(manifest))
    with transaction(factory) as s:
        make_org(s)
    with pytest.raises(Exception):  # noqa: B017 - the database's own integrity error
        database.restore(fresh, bad)
    assert _count(fresh) == 3
