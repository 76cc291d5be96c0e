"""Query-count budgets: list pages and endpoints must not grow queries with page size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from labline.core.models import Role
from tests.factories import bearer, make_org, make_person, sign_in


@contextmanager
def count_queries(connection) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _many):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", before)


@pytest.fixture()
def crowd(db):
    orgs = [make_org(db) for _ in range(30)]
    for org in orgs:
        make_person(db, org=org, roles=(Role.reviewer,), password=False)
    return orgs


# Budgets include sign-in/token lookup, the actor's roles and the page's own queries.
@pytest.mark.parametrize(
    ("path", "budget"),
    # The actor in two queries (token with its person; grants and memberships), +1: the
    # token's "last used" stamp, one unaudited update (a new token is stale).
    [("/api/v1/organisations?per_page=25", 6), ("/api/v1/people?per_page=25", 8)],
)
def test_api_list_budgets(client, db, connection, crowd, path, budget):
    h = bearer(db, make_person(db, roles=(Role.analyst,)))
    with count_queries(connection) as qs:
        r = client.get(path, headers=h)
    assert r.status_code == 200 and len(r.json()["items"]) == 25
    assert len(qs) <= budget, "\n".join(qs)


@pytest.mark.parametrize(("path", "budget"), [("/organisations", 4), ("/people", 6)])
def test_page_list_budgets(client, db, connection, crowd, path, budget):
    person = make_person(db, roles=(Role.analyst,))
    sign_in(client, person.email)
    with count_queries(connection) as qs:
        r = client.get(path)
    assert r.status_code == 200
    assert len(qs) <= budget, "\n".join(qs)
