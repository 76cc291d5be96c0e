"""Routers that refuse a foreign path at once.

FastAPI asks every included router in turn whether a path is its own, and each router asks
each of its routes (a regular expression apiece): with some fifty routers and four hundred
routes, finding a route late in the list, and above all answering 404, cost milliseconds of
CPU per request. A guarded router first compares the path with the literal start of its
routes' paths (the part before the first `{`), a string comparison, and only then asks its
routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.routing import Match
from starlette.types import Scope


def _route_path(scope: Scope) -> str:
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path


def literal_starts(router: APIRouter) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """The router's paths without parameters (compared whole, with or without a final
    slash) and the literal starts of those with parameters; None when a route has no path
    (a mount, say): that router is not guarded."""
    exact: set[str] = set()
    starts: set[str] = set()
    for route in router.routes:
        path = getattr(route, "path", None)
        if not isinstance(path, str) or getattr(route, "path_regex", None) is None:
            return None
        if "{" in path:
            starts.add(path.split("{", 1)[0])
        else:
            exact.update({path, path.rstrip("/") or "/", path.rstrip("/") + "/"})
    return frozenset(exact), tuple(sorted(starts))


def claims(starts: tuple[frozenset[str], tuple[str, ...]], path: str) -> bool:
    """Whether a route of the router could match the path (`literal_starts`)."""
    exact, prefixes = starts
    return path in exact or path.startswith(prefixes)


def guard(router: APIRouter) -> None:
    """Make the router answer "not mine" without trying its routes when no route of it can
    match the path. Call once its routes are all declared (at include time)."""
    found = literal_starts(router)
    if found is None or getattr(router, "_labline_guarded", False):
        return
    ask: Callable[[Scope], Any] = router.matches

    def matches(scope: Scope) -> Any:
        if scope.get("type") == "http" and not claims(found, _route_path(scope)):
            return Match.NONE, {}
        return ask(scope)

    router.matches = matches  # type: ignore[method-assign]
    router._labline_guarded = True  # type: ignore[attr-defined]
