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


# --- damaged, edited and complete backups ------------------------------------------------------


def _rewrite(good: Path, out: Path, member: str, change, *, resign: bool) -> None:
    """Copy a backup with one member changed and its checksum recomputed; `resign`: the
    manifest signed again with this installation's key (an insider who has it)."""
    import hashlib

    from labline.core import backup_check

    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        for item in src.namelist():
            if item == "manifest.json":
                continue
            data = src.read(item)
            if item == member:
                data = change(data)
                name = member.removeprefix("tables/").removesuffix(".jsonl")
                manifest["tables"][name]["sha256"] = hashlib.sha256(data).hexdigest()
            dst.writestr(item, data)
        if resign:
            manifest["mac"] = backup_check.sign(manifest)
        dst.writestr("manifest.json", json.dumps(manifest))


def _bad_crc(good: Path, out: Path, member: str) -> None:
    """The same backup, stored uncompressed, with one byte of `member` flipped in place."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for item in src.namelist():
            dst.writestr(item, src.read(item))
    with zipfile.ZipFile(out) as zf:
        info = zf.getinfo(member)
    raw = bytearray(out.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.file_size // 2] ^= 0x01
    out.write_bytes(bytes(raw))


def _restore_command(tmp_path: Path, url: str, source: Path):
    from click.testing import CliRunner

    from labline.cli import cli

    args = ["--data-dir", str(tmp_path), "--database-url", url, "db", "restore", "--yes"]
    return CliRunner().invoke(cli, [*args, str(source)])


def test_damaged_or_edited_backups_end_in_a_specific_error(tmp_path: Path):
    """A bad CRC, a table cut in half and a table edited on purpose (checksums recomputed,
    even re-signed by someone holding the key) are refused by name, never with a traceback,
    and change nothing."""
    url = f"sqlite:///{tmp_path / 'labline.db'}"
    eng = make_engine(url)
    database.upgrade(eng)
    factory = make_sessionmaker(eng)
    with transaction(factory) as s:
        kept = make_org(s, name_en="Kept Ltd", kind="enterprise")
        make_org(s, name_en="Other Ltd")
    good = tmp_path / "good.zip"
    database.backup(eng, good)
    with transaction(factory) as s:
        make_org(s, name_en="Added after backup")
    table = "tables/organisations.jsonl"

    def cut(data: bytes) -> bytes:
        return data[: data.index(b"\n") + 20]  # the second row cut short

    def edit(data: bytes) -> bytes:
        return data.replace(b'"Kept Ltd"', b'"Forged Ltd"')

    cases = []
    crc = tmp_path / "crc.zip"
    _bad_crc(good, crc, table)
    cases.append((crc, "organisations cannot be read"))
    for name, change in (("cut", cut), ("edit", edit)):
        unsigned = tmp_path / f"{name}.zip"
        _rewrite(good, unsigned, table, change, resign=False)
        cases.append((unsigned, "not signed with this installation's audit key"))
    signed_cut = tmp_path / "cut-signed.zip"
    _rewrite(good, signed_cut, table, cut, resign=True)
    cases.append((signed_cut, "organisations has a line"))
    signed_edit = tmp_path / "edit-signed.zip"
    _rewrite(good, signed_edit, table, edit, resign=True)
    cases.append((signed_edit, "differ from its audit trail"))
    for source, message in cases:
        with pytest.raises(InvalidInput, match=message):
            database.restore(eng, source)
        result = _restore_command(tmp_path, url, source)
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (
            source.name,
            result.output,
            result.exception,
        )
        assert _count(eng) == 3, source.name
    try:
        database.restore(eng, signed_edit)
    except InvalidInput as exc:
        assert f"organisations[{kept.id}]" in {f.field for f in exc.fields}
    assert _restore_command(tmp_path, url, good).exit_code == 0
    assert _count(eng) == 2
    eng.dispose()


def test_a_backup_from_another_installation_is_refused(fresh: Engine, tmp_path: Path):
    factory = make_sessionmaker(fresh)
    with transaction(factory) as s:
        make_org(s)
    good = tmp_path / "b.zip"
    database.backup(fresh, good, key=b"another installation's audit key, 40 ch")
    with pytest.raises(InvalidInput, match="another LABLINE_AUDIT_KEY"):
        database.restore(fresh, good)


def test_backups_carry_the_uploaded_documents(fresh: Engine, tmp_path: Path):
    import hashlib

    data_dir = tmp_path / "data"
    docs = data_dir / "review" / "documents"

    def put(content: bytes) -> Path:
        sha = hashlib.sha256(content).hexdigest()
        path = docs / sha[:2] / sha
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path

    first, second = put(b"%PDF-1.7 proposal one"), put(b"%PDF-1.7 proposal two")
    factory = make_sessionmaker(fresh)
    with transaction(factory) as s:
        make_org(s)
    target = tmp_path / "b.zip"
    manifest = database.backup(fresh, target, data_dir=data_dir)
    assert len(manifest["files"]) == 2
    first.unlink()
    second.write_bytes(b"overwritten")
    later = put(b"uploaded after the backup")
    database.restore(fresh, target, data_dir=data_dir)
    assert first.read_bytes() == b"%PDF-1.7 proposal one"
    assert second.read_bytes() == b"%PDF-1.7 proposal two"
    assert not later.exists()  # the documents are the backup's, as the tables are
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".restore")]
    # The restored chain is the trail now: the anchor follows it.
    from labline.core.audit_verify import verify

    with transaction(factory) as s:
        assert verify(s, anchor=data_dir / "audit-anchor.json").ok


def test_wipe_forgets_the_anchor_of_the_chain_it_erased(fresh: Engine, tmp_path: Path):
    from labline.core.audit_verify import verify

    factory = make_sessionmaker(fresh)
    with transaction(factory) as s:
        make_org(s)
    anchor = tmp_path / "audit-anchor.json"
    with transaction(factory) as s:
        assert verify(s, anchor=anchor).ok and anchor.is_file()
    database.wipe(fresh, data_dir=tmp_path)
    assert not anchor.exists()
    with transaction(factory) as s:
        make_org(s)
    with transaction(factory) as s:
        assert verify(s, anchor=anchor).ok
