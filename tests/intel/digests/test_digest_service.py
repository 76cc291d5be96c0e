"""Digests of real imported documents: every point's text is in a paragraph it cites."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from labline.core.access import command_line_actor
from labline.intel.digests.service import digest_of, gloss
from labline.intel.documents.readers import read_file
from labline.intel.documents.service.ingest import store
from labline.intel.documents.service.records import collection_named

TEXTS = Path(os.environ.get("LABLINE_TEXTS", "/work/shared/data/texts"))
SETS = [
    TEXTS / "zh_gov_policy_docs" / "zh_gov_policy_docs.jsonl",
    TEXTS / "us_whitehouse_remarks_en" / "whitehouse_remarks.jsonl",
]


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.parent.name)
def test_citations_point_to_paragraphs_holding_the_text(db, tmp_path, path):
    if not path.is_file():
        pytest.skip(f"{path} is not here (the shared real texts are absent)")
    head = tmp_path / "head.jsonl"
    head.write_text("".join(path.open(encoding="utf-8").readlines()[:12]), encoding="utf-8")
    coll = collection_named(db, actor=command_line_actor("t"), name="real")
    checked = 0
    for parsed in read_file(head):
        doc = store(db, collection=coll, parsed=parsed).document
        texts = {p.n: squash(p.text) for p in doc.paragraphs}
        digest = digest_of(doc)
        points = [digest.core_viewpoint, *[p for g in digest.groups for p in g.points]]
        for point in points:
            assert point.citations, point
            assert any(squash(point.text) in texts[n] for n in point.citations), point
            checked += 1
    assert checked > 20


def test_gloss_comes_from_the_dictionary_or_not_at_all():
    assert gloss("科技创新") and "innovation" in gloss("科技创新")
    assert gloss("Basic research") is None  # English needs no gloss
    assert gloss("钅钅钅") is None  # nothing the dictionary knows
    assert gloss("人工智能") == "artificial intelligence"  # the heading's own entry
    # Without one, each word stands beside its entry, so a reader can check it; the words'
    # glosses run together ("a study put into") would read as a translation nobody made.
    assert gloss("研究投入") == "研究 research · 投入 throw into"
