"""No page answers 500: every HTML GET route, signed in as an operator, with odd inputs."""

from __future__ import annotations

import pytest

from labline.core.models import Role
from tests.factories import make_org, make_person, sign_in
from tests.permissions import app_routes

ODD_QUERIES = [
    "",
    "?page=0",
    "?page=abc&per_page=-1",
    "?per_page=100000",
    "?q=%00%27%22<script>",
    "?q=" + "长" * 300,
    "?kind=castle&region_code=99&industry_code=%F0%9F%98%80",
    "?year=99999&region=Atlantis",
    "?compare=%E2%80%AE",
]
PATH_VALUES = {
    "{organisation_id}": ["1", "0", "99999999", "abc", "-1"],
    "{person_id}": ["1", "0", "abc"],
    "{indicator}": ["none", "%20", "x" * 300],
    "{region}": ["110000", "Atlantis", "%F0%9F%98%80"],
    "{locale}": ["zh", "fr", "%00"],
}


def _page_urls() -> list[str]:
    urls = []
    for method, path in sorted(app_routes()):
        if method != "GET" or path.startswith("/api/"):
            continue
        variants = [path]
        for key, values in PATH_VALUES.items():
            if key in path:
                variants = [v.replace(key, value) for v in variants for value in values]
        urls.extend(variants)
    return urls


@pytest.mark.parametrize("url", _page_urls())
def test_pages_never_fail_with_a_server_error(client, db, url):
    make_org(db)
    sign_in(client, make_person(db, roles=(Role.platform_operator,)).email)
    for query in ODD_QUERIES:
        r = client.get(url + query, follow_redirects=False)
        assert r.status_code < 500, f"{url}{query}: {r.status_code}\n{r.text[:500]}"
        if r.status_code >= 400 and r.headers["content-type"].startswith("text/html"):
            assert "data-code=" in r.text  # the one error shape, as a page
