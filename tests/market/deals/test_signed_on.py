"""Issue 17: a contract's signing day is refused only once it is in the future everywhere on
earth (after today at UTC+14), in place of the schema's old slack of the UTC date plus one."""

from __future__ import annotations

from datetime import UTC

import pytest
import time_machine
from pydantic import ValidationError

from tests import clock
from tests.market.deals.test_deals import contract

# 08:00 in Shanghai on clock.TODAY: 00:00 UTC, 14:00 at UTC+14. Tomorrow has begun nowhere yet
# (the old slack, the UTC date plus one, let it through).
MORNING = clock.at(0, 8)


def test_a_contract_is_signed_today_but_not_on_a_day_begun_nowhere():
    with time_machine.travel(MORNING, tick=False):
        assert MORNING.astimezone(UTC).hour == 0  # the UTC date is today's too
        assert contract(signed_on=clock.day(0).isoformat()).signed_on == clock.day(0)
        with pytest.raises(ValidationError, match="signed in the future") as exc:
            contract(signed_on=clock.day(1).isoformat())
        assert exc.value.errors()[0]["loc"] == ("signed_on",)
    # Six hours before Shanghai's midnight, the Line Islands are in the next day.
    with time_machine.travel(clock.at(0, 18, 30), tick=False):
        assert contract(signed_on=clock.day(1).isoformat()).signed_on == clock.day(1)
        with pytest.raises(ValidationError, match="signed in the future"):
            contract(signed_on=clock.day(2).isoformat())
