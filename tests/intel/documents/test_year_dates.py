"""Government Work Reports from the shared real texts, which give only a `year`: imported
with a year-precision date, filtered by overlap, sorted by the year's first day and shown
as "2019" on the pages, in the JSON API and on the command line."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from labline.cli import cli
from labline.core.access import command_line_actor
from labline.errors import InvalidInput
from labline.intel.documents.readers import Rejected, read_file, read_jsonl
from labline.intel.documents.schemas import TextDocumentCreate
from labline.intel.documents.service import ingest, records
from labline.intel.search import service as search
from tests.factories import make_person
from tests.intel.documents.test_pages import sign_in

TEXTS = Path(os.environ.get("LABLINE_TEXTS", "/work/shared/data/texts"))
REPORTS = TEXTS / "zh_gov_policy_docs" / "zh_gov_policy_docs.jsonl"
CLI = command_line_actor("test")


@pytest.fixture()
def reports(tmp_path) -> Path:
    """The Government Work Reports and resolutions of 2017-2025 (the file's first lines)."""
    if not REPORTS.is_file():
        pytest.skip(f"{REPORTS} is not here (the shared real texts are absent)")
    lines = REPORTS.open(encoding="utf-8").readlines()[:18]
    assert all(json.loads(line)["collection"] == "government_work_report" for line in lines)
    path = tmp_path / "gwr.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def by_title(docs, year: int):
    return next(d for d in docs if d.title.startswith(f"{year}年") and "政府工作报告" in d.title)


def test_reports_dated_by_their_year_unless_the_text_names_the_day(reports):
    parsed = read_file(reports)
    assert len(parsed) == 18
    r2019, r2024 = by_title(parsed, 2019), by_title(parsed, 2024)
    assert (r2019.issued_on, r2019.date_precision) == (date(2019, 1, 1), "year")
    # The 2024 report states the day it was delivered (2024年3月5日): the day is kept.
    assert (r2024.issued_on, r2024.date_precision) == (date(2024, 3, 5), "day")
    reports_only = [p for p in parsed if p.title.endswith("政府工作报告")]
    assert all(p.issued_on is not None for p in reports_only)
    assert {p.date_precision for p in reports_only} == {"day", "year"}


def test_a_bad_year_rejects_the_file():
    line = json.dumps({"title": "t", "text": "正文。", "year": "20x4"}, ensure_ascii=False)
    with pytest.raises(Rejected, match="year '20x4' is not a year"):
        read_jsonl(line.encode(), "bad.jsonl")


def test_filters_and_sorting_by_overlap(db, tmp_path, reports):
    coll = records.collection_named(db, actor=CLI, name="gwr")
    report = ingest.ingest_paths(db, actor=CLI, paths=[reports], collection=coll, data_dir=tmp_path)
    assert len(report.imported) == 18
    docs, _n = records.list_documents(db, actor=CLI, limit=50)
    r2018, r2019 = by_title(docs, 2018), by_title(docs, 2019)
    assert r2019.issued_label == "2019" and r2019.date_precision == "year"

    def listed(since, until):
        found, total = records.list_documents(db, actor=CLI, since=since, until=until)
        assert total == len(found)
        return {d.id for d in found}

    # A 2019 report is inside any range overlapping 2019, however little.
    assert r2019.id in listed(date(2019, 3, 1), date(2019, 12, 31))
    assert r2019.id in listed(date(2019, 12, 31), None)
    assert r2019.id in listed(None, date(2019, 1, 1))
    assert r2019.id not in listed(date(2020, 1, 1), None)
    assert r2018.id not in listed(date(2019, 3, 1), date(2019, 12, 31))
    march_2019 = listed(date(2019, 3, 1), date(2019, 12, 31))
    assert all(
        d.issued_on is not None and d.issued_on.year == 2019 for d in docs if d.id in march_2019
    )
    with pytest.raises(InvalidInput, match="empty"):
        records.list_documents(db, actor=CLI, since=date(2020, 1, 1), until=date(2019, 1, 1))
    # Newest first; a year sorts as its first day (after the dated documents of the year).
    dated = [d.issued_on for d in docs if d.issued_on is not None]
    assert dated == sorted(dated, reverse=True)

    holder = SimpleNamespace()
    found = search.search(
        db,
        actor=CLI,
        holder=holder,
        query="政府工作",
        since=date(2019, 3, 1),
        until=date(2019, 12, 31),
        limit=20,
    )
    assert r2019.id in {f.document.id for f in found}
    assert r2018.id not in {f.document.id for f in found}
    assert all(f.document.issued_on.year == 2019 for f in found)
    later = search.search(db, actor=CLI, holder=holder, query="政府工作", since=date(2020, 1, 1))
    assert later and r2019.id not in {f.document.id for f in later}


def test_pages_and_api_show_the_year(client, db, settings, tmp_path, reports):
    coll = records.collection_named(db, actor=CLI, name="gwr")
    ingest.ingest_paths(db, actor=CLI, paths=[reports], collection=coll, data_dir=tmp_path)
    docs, _n = records.list_documents(db, actor=CLI, limit=50)
    r2019 = by_title(docs, 2019)
    sign_in(client, db, settings, make_person(db, password=False))
    listed = client.get(
        "/api/v1/intel/documents", params={"since": "2019-03-01", "until": "2019-12-31"}
    ).json()
    item = next(i for i in listed["items"] if i["id"] == r2019.id)
    assert (item["date"], item["date_precision"], item["date_label"]) == (
        "2019-01-01",
        "year",
        "2019",
    )
    one = client.get(f"/api/v1/intel/documents/{r2019.id}").json()
    assert one["date_label"] == "2019"
    found = client.get(
        "/api/v1/intel/search", params={"q": "政府工作", "since": "2019-03-01", "limit": 50}
    ).json()
    assert r2019.id in {r["id"] for r in found["results"]}
    assert next(r for r in found["results"] if r["id"] == r2019.id)["date_label"] == "2019"
    for path in ("/intel", f"/intel/documents/{r2019.id}"):
        html = client.get(path).text
        assert "2019-01-01" not in html
    assert "<td>2019</td>" in client.get("/intel").text
    assert " · 2019 · " in client.get(f"/intel/documents/{r2019.id}").text


def test_year_only_text_document(db, tmp_path):
    stored = ingest.ingest_text(
        db,
        actor=CLI,
        data=TextDocumentCreate(collection="c", title="年度报告", text="年度工作总结。", year=2021),
        data_dir=tmp_path,
    ).document
    assert (stored.issued_on, stored.date_precision, stored.issued_label) == (
        date(2021, 1, 1),
        "year",
        "2021",
    )
    with pytest.raises(ValidationError, match="a date or a year, not both"):
        TextDocumentCreate(collection="c", text="x", year=2021, date=date(2021, 5, 1))


def test_command_line_shows_the_year(tmp_path, reports):
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--data-dir", str(tmp_path / "d"), *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "imported 18," in run("intel", "import", str(reports), "--collection", "gwr")
    in_2019 = ("--since", "2019-03-01", "--until", "2019-12-31")
    found = json.loads(run("intel", "search", "政府工作", *in_2019, "--json"))
    r2019 = next(r for r in found["results"] if r["title"].startswith("2019年"))
    assert r2019["date_label"] == "2019"
    text = run("intel", "search", "政府工作", *in_2019)
    assert f"{r2019['id']:>6}  2019        " in text
    shown = run("intel", "show", str(r2019["id"]))
    assert shown.splitlines()[1].startswith("国务院 · 2019 · zh")
