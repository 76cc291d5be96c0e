"""A real labline server (demo world, SQLite) in a subprocess and Debian's Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.clock import NOW

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# Chromium draws a date or time field in its own UI language: not the page's `lang`, nor the
# context's `locale` (which sets navigator.language and Accept-Language only), nor, on
# Linux, the --lang switch, but the LANGUAGE of its environment, with its strings from
# Debian's chromium-l10n (without it, or by default, en-US: 12/01/2026, 04:30 PM). So each
# language has a browser of its own: Chinese shows 2026/12/01 (年/月/日) and 16:30, British
# English 01/12/2026 and 16:30.
UI_LANGUAGE = {"en": "en_GB", "zh": "zh_CN"}
PASSWORD = "labline-demo-2026"
ARTIFACTS = Path(__file__).resolve().parents[1] / "_artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Account:
    role: str
    email: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Server:
    url: str
    accounts: dict[str, Account]
    log: Path
    data_dir: Path

    def token(self, email: str) -> str:
        """A personal API token, issued with the command line on the server's own data."""
        labline = str(Path(sys.executable).with_name("labline"))
        out = subprocess.run(
            [labline, "--data-dir", str(self.data_dir), "users", "token", email],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


ACCOUNT_LINE = re.compile(r"^\s+(\w+)\s+(\S+@\S+)\s+(.+?)\s+/\s+(.+?)\s*$")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("browser-demo")
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "browser-server.log"
    # The server lives at the suite's frozen "now" too (tests/clock.py), so that a date the
    # test computes is the same day for the page it drives.
    start = (
        "import sys, time_machine; from datetime import datetime;"
        f" time_machine.travel(datetime.fromisoformat({NOW.isoformat()!r}), tick=True).start();"
        " from labline.cli import main; sys.argv[0] = 'labline'; main()"
    )
    cmd = [sys.executable, "-c", start, "--data-dir", str(data_dir), "demo", "--size", "small"]
    cmd += ["--seed", "42", "--serve", "--port", str(port)]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 900  # the demo build; slow on a busy 2-core machine
        while True:
            if proc.poll() is not None:
                pytest.fail(f"labline demo exited with {proc.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).json().get("status") == "ok":
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"labline did not answer /healthz in 900 s:\n{log.read_text()}")
            time.sleep(0.2)
        accounts = {}
        for line in log.read_text().splitlines():
            m = ACCOUNT_LINE.match(line)
            if m:
                accounts[m[1]] = Account(m[1], m[2], m[3], m[4])
        yield Server(url, accounts, log, data_dir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def chromium_env(lang: str) -> dict[str, str]:
    """The environment that makes Chromium's own UI (its date and time fields) speak `lang`."""
    return {**os.environ, "LANGUAGE": UI_LANGUAGE[lang]}


@pytest.fixture(scope="session")
def chromium_driver() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing; install Debian's chromium with `make browser-deps`"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(chromium_driver: Any) -> Iterator[object]:
    """Chromium in British English (its date fields 01/12/2026), as the contexts' locale."""
    b = chromium_driver.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=chromium_env("en")
    )
    yield b
    b.close()


@pytest.fixture(scope="session")
def zh_browser(chromium_driver: Any) -> Iterator[object]:
    """Chromium in Chinese (its date fields 2026/12/01), for the tests in Chinese."""
    b = chromium_driver.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=chromium_env("zh")
    )
    yield b
    b.close()


@pytest.fixture()
def page(request: pytest.FixtureRequest, server: Server) -> Iterator[object]:
    """A fresh browser context (no cookies) that may talk to the test server only; from the
    Chinese browser when the test is parametrized with lang="zh". The context's locale stays
    en-GB: the page's language is the reader's choice (the header's link), as for a user."""
    params = getattr(request.node, "callspec", None)
    lang = params.params.get("lang") if params else None
    browser = request.getfixturevalue("zh_browser" if lang == "zh" else "browser")
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 860}, locale="en-GB"
    )
    # Generous: the machine is shared and often busy; a slow answer is measured by the
    # load benchmark, not here, where only a stalled page should fail.
    context.set_default_timeout(30_000)
    outside: list[str] = []

    def only_local(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not outside, f"pages tried to load from elsewhere: {outside}"
    assert not errors, f"JavaScript errors: {errors}"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session", autouse=True)
def _clean_screenshots() -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
