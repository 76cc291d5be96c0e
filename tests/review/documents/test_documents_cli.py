"""`labline review attach|documents|letters|issue-letters` on a database file: attach a
document as the applicant, write every letter of a decided call as .txt and .html (none
naming a judge), and issue them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from labline.cli import cli
from labline.core import database
from labline.db import make_engine, make_sessionmaker
from labline.review.demo.documents import tiny_pdf
from tests.factories import make_call, make_proposal
from tests.review.letters.test_letters import Decided, assert_anonymous, build_decided


@pytest.fixture()
def folder(tmp_path: Path) -> tuple[Path, Decided, dict[str, Any]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'labline.db'}")
    database.upgrade(engine)
    session = make_sessionmaker(engine)()
    world = build_decided(session)
    open_proposal = make_proposal(session, call=make_call(session))
    from labline.core.models import Person

    applicant = session.get(Person, open_proposal.applicant_id)
    assert applicant is not None
    extra = {"open_id": open_proposal.id, "email": applicant.email}
    session.commit()
    session.close()
    engine.dispose()
    return tmp_path, world, extra


def _run(data_dir: Path, *args: str, ok: bool = True) -> Any:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_attach_then_list_and_refusals(folder):
    data_dir, _world, extra = folder
    pdf = data_dir / "申报书.pdf"
    pdf.write_bytes(tiny_pdf(["Aims"]))
    pid = str(extra["open_id"])
    out = _run(
        data_dir,
        "review",
        "attach",
        pid,
        str(pdf),
        "--kind",
        "proposal_text",
        "--as",
        extra["email"],
    )
    assert "document" in out.output and "proposal_text" in out.output
    stored = list((data_dir / "review" / "documents").rglob("*"))
    assert any(p.is_file() and p.read_bytes() == pdf.read_bytes() for p in stored)
    listed = _run(data_dir, "review", "documents", pid).output
    assert "申报书.pdf" in listed
    fake = data_dir / "cv.pdf"
    fake.write_text("not a pdf", encoding="utf-8")
    bad = _run(data_dir, "review", "attach", pid, str(fake), "--as", extra["email"], ok=False)
    assert bad.exit_code != 0 and "the name says PDF" in bad.output


def test_letters_are_written_one_per_proposal_without_judges_names(folder):
    data_dir, world, _extra = folder
    call = str(world.call.id)
    for fmt in ("txt", "html"):
        out = data_dir / f"letters-{fmt}"
        done = _run(data_dir, "review", "letters", call, "--out", str(out), "--format", fmt)
        assert "3 letters" in done.output
        files = sorted(out.iterdir())
        assert len(files) == 3 and all(f.suffix == f".{fmt}" for f in files)
        mine = next(f for f in files if f"-{world.bold.id}-" in f.name)
        assert mine.name.endswith(f"-zh.{fmt}")  # the applicant reads Chinese
        text = mine.read_text(encoding="utf-8")
        assert "您的项目获得资助。" in text and "评审专家 1" in text
        for f in files:
            assert_anonymous(f.read_text(encoding="utf-8"), world)
    issued = _run(data_dir, "review", "issue-letters", call)
    assert "3 letters issued" in issued.output
    again = _run(data_dir, "review", "issue-letters", call, ok=False)
    assert again.exit_code != 0 and "were issued" in again.output
