"""Every indicators route against every actor."""

from __future__ import annotations

import pytest

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.indicators.service import store
from tests.factories import make_org, make_person
from tests.indicators.test_live import use_of_a_facility
from tests.permissions import ACTORS, ALL, Case, fill, only, request_as, signed_in

ANALYSTS = ("platform_operator", "analyst")
CSV = "indicator,region,year,value,unit\nperm,北京,2020,1.0,%\nperm,上海,2020,2.0,%\n"

PWT = (
    "country,year,rgdpna,rkna,emp,hc,labsh\nX,2016,100,1,10,3,0.6\nX,2017,103,1.02,10.1,3.01,0.6\n"
)

MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/indicators/growth"): Case(signed_in()),
    ("POST", "/indicators/growth"): Case(signed_in(), upload=PWT),
    ("POST", "/api/v1/indicators/growth"): Case(signed_in(), upload=PWT),
    ("GET", "/indicators"): Case(ALL),
    ("GET", "/indicators/import"): Case(only(200, ANALYSTS)),
    ("POST", "/indicators/import"): Case(only(201, ANALYSTS), upload=CSV),
    ("GET", "/indicators/{indicator}"): Case(ALL),
    ("GET", "/indicators/index?indicator=perm&indicator=perm2&year=2020"): Case(ALL),
    ("GET", "/api/v1/indicators/index?indicator=perm&indicator=perm2&year=2020&draws=50"): Case(
        ALL
    ),
    ("GET", "/indicators/regions/{region}"): Case(ALL),
    ("GET", "/api/v1/indicators"): Case(ALL),
    ("POST", "/api/v1/indicators/import"): Case(only(201, ANALYSTS), upload=CSV),
    ("GET", "/api/v1/indicators/{indicator}/series"): Case(ALL),
    ("GET", "/api/v1/indicators/{indicator}/ranking"): Case(ALL),
    ("GET", "/api/v1/indicators/regions/{region}"): Case(ALL),
    ("GET", "/indicators/live?year=2020"): Case(ALL),
    ("GET", "/api/v1/indicators/live/export?year=2020&format=xlsx"): Case(ALL),
    ("GET", "/api/v1/indicators/{indicator}/export?format=csv"): Case(ALL),
    ("GET", "/api/v1/indicators/index/export?indicator=perm&indicator=perm2&year=2020"): Case(ALL),
    ("POST", "/indicators/live"): Case(only(303, ANALYSTS), form={"year": "2020"}),
    ("GET", "/api/v1/indicators/live?year=2020"): Case(ALL),
    ("POST", "/api/v1/indicators/live/store?year=2020"): Case(only(201, ANALYSTS)),
}


@pytest.fixture()
def world(db):
    org = make_org(db)
    people = {}
    for role in Role:
        if role in (Role.org_admin, Role.member):
            people[role.value] = make_person(db, org=org, org_role=role, password=False)
        else:
            people[role.value] = make_person(db, roles=(role,), password=False)
    rows = [
        {"indicator": code, "region": region, "year": 2020, "value": value, "unit": "%"}
        for code in ("perm", "perm2")
        for region, value in (("110000", 1.0), ("310000", 2.0), ("440000", 3.0))
    ]
    store.store_rows(db, actor=actor_for(db, people["analyst"].id), rows=rows, filename="w.csv")
    use_of_a_facility(db, year=2020)
    return {"org": org, "people": people, "target": people["member"], "token": None}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_permission(client, db, world, settings, route, actor):
    method, template = route
    url = fill(template.replace("{indicator}", "perm").replace("{region}", "110000"), world, actor)
    r = request_as(client, db, settings, world, actor, method, url, MATRIX[route])
    assert r.status_code == MATRIX[route].expect[actor], (
        f"{method} {url} as {actor}: {r.text[:300]}"
    )
