"""Many concurrent booking requests against a running server (two worker processes):
no two accepted bookings overlap, none is lost, every loser is told which booking it hit."""

from __future__ import annotations

import pytest
from benchmarks import booking_stress

from tests.conftest import IN_CI, _pg_available


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_concurrent_bookings_never_collide(database):
    if database == "postgresql":
        why = _pg_available()
        if why is not None:
            if IN_CI:
                pytest.fail(f"CI must exercise PostgreSQL: {why}")
            pytest.skip(f"PostgreSQL not reachable: {why}")
    report = booking_stress.run(
        database, requests=300, concurrency=24, workers=2, instruments=3, users=10, seed_value=1
    )
    assert report["errors"] == 0, report["error_samples"]
    assert report["accepted"] > 20 and report["conflicts"] > 100  # the slots really collided
    assert report["conflicts_naming_the_booking"] == report["conflicts"]
    assert report["overlaps"] == 0
    assert report["lost_writes"] == 0 and report["phantom_bookings"] == 0
    assert report["stored"] == report["accepted"]
