"""`labline demo` (so `make demo`) prints, under each account, the pages to try as that role:
every printed account signs in with the printed password and every printed page answers 200
for it, in a real browser on the demo world."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import ACCOUNT_LINE, PASSWORD, Server
from tests.browser.test_pages import sign_in

pytestmark = pytest.mark.browser

TRY_LINE = re.compile(r"^\s+try (http://\S+?)(/\S*)\s+\((.+)\)\s*$")


def printed_tours(log: str) -> tuple[str, dict[str, list[str]]]:
    """The printed password and, per printed account's role, the pages printed under it."""
    password = re.search(r"password for all: (\S+?);", log)
    assert password, "the demo does not print the accounts' password"
    tours: dict[str, list[str]] = {}
    role = None
    for line in log.splitlines():
        if m := ACCOUNT_LINE.match(line):
            role = m[1]
            tours[role] = []
        elif (m := TRY_LINE.match(line)) and role is not None:
            tours[role].append(m[2])
    return password[1], tours


def test_every_role_gets_pages_to_try(server: Server) -> None:
    password, tours = printed_tours(server.log.read_text())
    assert password == PASSWORD
    assert set(tours) == set(server.accounts) and len(tours) >= 7
    for role, paths in tours.items():
        assert len(paths) >= 2, f"{role}: the demo prints {paths}"


@pytest.mark.parametrize(
    "role",
    [
        "platform_operator",
        "org_admin",
        "member",
        "reviewer",
        "committee_member",
        "facility_manager",
        "analyst",
    ],
)
def test_printed_pages_answer_for_their_role(page: Any, server: Server, role: str) -> None:
    password, tours = printed_tours(server.log.read_text())
    sign_in(page, server.accounts[role].email, password)
    assert page.get_by_test_id("account").count() == 1, f"{role} could not sign in"
    for path in tours[role]:
        response = page.goto(path)
        assert response is not None and response.status == 200, (role, path, response.status)
        assert page.get_by_test_id("account").count() == 1, (role, path, "signed out")
