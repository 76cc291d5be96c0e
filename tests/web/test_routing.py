"""Guarded routers (labline.web.routing): a foreign path is refused without trying the
router's routes, and every route of every module is still claimed by its router."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from labline import registry
from labline.web.routing import claims, literal_starts


def test_every_route_is_claimed_by_its_router():
    checked = 0
    for router in registry.routers():
        starts = literal_starts(router)
        assert starts is not None
        for route in router.routes:
            assert isinstance(route, APIRoute)
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            assert claims(starts, path), route.path
            assert claims(starts, path.rstrip("/") + "/"), route.path  # slash redirects
            checked += 1
    assert checked > 250


def test_a_foreign_path_is_refused_by_every_router():
    claimed = [
        r for r in registry.routers() if claims(literal_starts(r) or (frozenset(), ("",)), "/x/y")
    ]
    assert claimed == []


def test_an_unknown_address_is_404_in_the_one_error_shape(client):
    r = client.get("/api/v1/nowhere/x")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert client.get("/no/such/page", headers={"accept": "text/html"}).status_code == 404
