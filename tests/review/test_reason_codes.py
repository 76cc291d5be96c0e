"""Reasons are codes with parameters: one renderer gives the API's English line and the
reader's-language sentence; the migration converts the sentences older rows hold."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import text

from labline import i18n
from labline.core import database
from labline.db import make_engine, make_sessionmaker, transaction
from labline.review import reasons
from tests.factories import make_call, make_proposal

OLD = {
    "rejected: calibrated rank 48, below the funding line": {"code": "rejected_rank", "rank": 48},
    "funded by lot among 5 tied proposals (seed 77)": {
        "code": "funded_lottery",
        "n": 5,
        "seed": 77,
    },
    "funded on the non-consensus track: golden ticket from expert 7": {
        "code": "funded_non_consensus",
        "flags": [{"code": "golden_ticket", "expert_id": 7}],
    },
    "a sentence nobody wrote by rule": {"code": "text", "text": "a sentence nobody wrote by rule"},
}


def test_record_and_sentences_come_from_one_code():
    code = reasons.rejected_rank(48)
    assert reasons.record(code) == "rejected: calibrated rank 48, below the funding line"
    token = i18n.set_locale("zh")
    try:
        zh = reasons.sentences(code)[0]
        zh_ticket = reasons.flags_text([reasons.golden_ticket(7)])
    finally:
        i18n.reset_locale(token)
    assert "金票" in zh_ticket
    assert "48" in zh and "rank" not in zh
    en = reasons.sentences(code)[0]
    assert en == "Not funded: calibrated rank 48, below the funding line."
    flags = [reasons.split_originality(0.1, 0.9, 0.95), reasons.golden_ticket(7)]
    assert reasons.flags_record(flags) == (
        "split reviews (scores 0.10–0.90) with an originality score of 0.95\n"
        "golden ticket from expert 7"
    )
    # The applicant's sentence never names the expert; the committee's keeps the id.
    assert "7" not in reasons.sentences(reasons.funded_non_consensus(flags[1:]))[0]
    assert "7" in reasons.flags_text(flags[1:])


def test_migration_converts_old_sentences_to_codes(tmp_path: Path):
    eng = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    database.upgrade(eng)
    with transaction(make_sessionmaker(eng)) as s:
        call = make_call(s)
        ids = [make_proposal(s, call=call).id for _ in OLD]
        ineligible = make_proposal(s, call=call, status="ineligible").id
    with eng.begin() as conn:
        cfg = database.alembic_config(eng)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009_review_documents")
    with eng.begin() as conn:
        for pid, sentence in zip(ids, OLD, strict=True):
            conn.execute(
                text("UPDATE review_proposals SET decision_reason = :r WHERE id = :i"),
                {"r": sentence, "i": pid},
            )
        conn.execute(
            text(
                "UPDATE review_proposals SET decision_reason = :r, non_consensus_reasons = :n"
                " WHERE id = :i"
            ),
            {
                "r": "organisation_id: funds and government offices cannot apply; "
                "requested_budget: more than this call's limit of 500000.00",
                "n": "golden ticket from expert 3\nrank uncertain: between 2 and 9, reaching"
                " the top 20% (rank 4 or better)",
                "i": ineligible,
            },
        )
    database.upgrade(eng)
    with eng.connect() as conn:
        rows = dict(
            conn.execute(text("SELECT id, decision FROM review_proposals ORDER BY id")).all()
        )
        why = conn.scalar(
            text("SELECT non_consensus_why FROM review_proposals WHERE id = :i"), {"i": ineligible}
        )
    for pid, code in zip(ids, OLD.values(), strict=True):
        assert json.loads(rows[pid]) == code
        assert reasons.record(code) in OLD  # the API's line is what the row said before
    assert json.loads(rows[ineligible]) == {
        "code": "ineligible",
        "problems": [
            {"code": "organisation_kind", "field": "organisation_id"},
            {"code": "over_limit", "field": "requested_budget", "limit": "500000.00"},
        ],
    }
    assert json.loads(why) == [
        {"code": "golden_ticket", "expert_id": 3},
        {"code": "rank_uncertain", "best": 2, "worst": 9, "share": "20%", "cutoff": 4},
    ]
    eng.dispose()
