"""What an app process imports at start: building the app and serving a simple page leave
the heavy libraries to the requests that need them (issue 13: a fresh `labline serve`
worker's import time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import labline

# Imported where they are used: the indicators' engine (pandas), search indexes and
# reviewer calibration (scipy, whose sparse module pulls in numpy.f2py), migrations
# (alembic, with mako and pygments), the job queue (huey, with its storages' psycopg and
# redis), the commands' console (rich). The command line itself (click, and every module's
# commands: `Module.commands` is a function only the command line calls) and the demo's steps
# are not imported by an app process at all.
LAZY = (
    "pandas",
    "scipy",
    "numpy.f2py",
    "alembic",
    "mako",
    "pygments",
    "huey",
    "psycopg",
    "redis",
    "rich",
    "click",
)
# An app process's modules matching this are the command line's or the demo's.
NOT_APP = r"^labline\.(cli|clitools|demo)$|^labline\..*\.(cli|demo)(\.|$)"

_CHILD = """
import json, re, sys
from labline.app import create_app

app = create_app()
after_create = sorted(m for m in LAZY if m in sys.modules)
not_app = sorted(m for m in sys.modules if re.search(NOT_APP, m))

from fastapi.testclient import TestClient  # httpx, its own imports not counted below
from labline.db import Base

Base.metadata.create_all(app.state.sessionmaker.kw["bind"])
client_imports = set(sys.modules)
with TestClient(app) as client:
    codes = [client.get(path).status_code for path in ("/", "/sign-in", "/healthz")]
after_pages = sorted(m for m in LAZY if m in set(sys.modules) - client_imports)
print(json.dumps({
    "after_create": after_create, "not_app": not_app, "after_pages": after_pages, "codes": codes
}))
"""


def test_a_fresh_app_imports_no_heavy_library_until_a_request_needs_it(tmp_path: Path) -> None:
    src = str(Path(labline.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        "LABLINE_ENV": "test",  # no warm-up: the market's index would open (scipy)
        "LABLINE_DATA_DIR": str(tmp_path),
        "LABLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'labline.db'}",
        "LABLINE_JOBS": "inline",
    }
    code = f"LAZY = {LAZY!r}\nNOT_APP = {NOT_APP!r}\n{_CHILD}"
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["codes"] == [200, 200, 200]
    assert got["after_create"] == []
    assert got["not_app"] == []
    assert got["after_pages"] == []


def test_the_command_lines_imports_add_no_command_until_one_is_asked_for() -> None:
    """Each worker of `labline serve --workers N` runs the `labline` script's imports again
    (multiprocessing starts it afresh) before building the app: `labline.cli` alone imports
    no module's commands, nor the registry; asking the group for its commands adds them."""
    src = str(Path(labline.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    code = (
        "import json, re, sys\n"
        "from labline.cli import cli\n"
        f"domain = {NOT_APP!r}\n"
        "before = sorted(m for m in sys.modules if m == 'labline.registry'"
        " or re.search(domain, m) and m not in ('labline.cli', 'labline.clitools'))\n"
        "import click\n"
        "names = cli.list_commands(click.Context(cli))\n"
        "print(json.dumps({'before': before, 'names': names}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["before"] == []
    assert {"serve", "worker", "demo", "market", "review", "intel"} <= set(got["names"])
