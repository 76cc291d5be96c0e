"""The deal pipeline as a board: one column per stage, each deal in its stage's column;
the table stays the default view."""

from __future__ import annotations

import re

from labline.market.models import DealState
from tests.factories import make_achievement, sign_in
from tests.market.deals.test_deals import opened, parties, walk

__all__ = ["parties"]


def _column(html: str, stage: str) -> str:
    m = re.search(rf'<section class="column" data-stage="{stage}".*?</section>', html, re.S)
    assert m, f"no column {stage}"
    return m.group(0)


def test_the_board_shows_each_deal_in_its_stage(client, db, parties):
    p = parties
    later = opened(db, p)
    walk(db, p, later, DealState.nda)
    p.achievement = make_achievement(db, org=p.university)  # a second deal, on another one
    early = opened(db, p)
    sign_in(client, p.buyer_p.email)
    table = client.get("/market/deals").text
    assert 'data-testid="deals"' in table and 'data-testid="board"' not in table

    board = client.get("/market/deals?view=board").text
    assert 'data-testid="board"' in board
    stages = re.findall(r'<section class="column" data-stage="(\w+)"', board)
    assert stages == [s.value for s in DealState]  # the pipeline's order
    assert f'href="/market/deals/{early.id}"' in _column(board, "interest")
    assert f'href="/market/deals/{later.id}"' in _column(board, later.state.value)
    assert f'href="/market/deals/{early.id}"' not in _column(board, later.state.value)
    # the filters keep the board
    assert '<input type="hidden" name="view" value="board">' in board


def test_an_unknown_view_is_a_field_error(client, db, parties):
    sign_in(client, parties.buyer_p.email)
    r = client.get("/market/deals?view=kanban")
    assert r.status_code == 422
