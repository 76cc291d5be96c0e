"""`labline serve` in development runs a worker beside it; the worker must not outlive the
server, however the server ends (a server killed outright used to leave it running)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"
)


def _workers(pid: int) -> list[int]:
    """The processes `pid` started whose command is `labline worker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            # The fields after the command's closing parenthesis: state, ppid, ...
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"worker" in command:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_worker_ends_when_the_server_is_killed(tmp_path: Path) -> None:
    env = {**os.environ, "LABLINE_DATA_DIR": str(tmp_path), "LABLINE_ENV": "development"}
    env.pop("LABLINE_DATABASE_URL", None)
    env["LABLINE_JOBS"] = "sqlite"  # the suite's "inline" queue has no worker to run
    start = "from labline.cli import main; main()"
    subprocess.run([sys.executable, "-c", start, "db", "upgrade"], env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-c", start, "serve", "--port", str(_free_port()), "--worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        workers: list[int] = []
        while not workers and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.5)
            workers = _workers(server.pid)
        assert workers, "serve started no worker"
        time.sleep(2)
        assert all(_alive(w) for w in workers), "the worker ended on its own"
        server.kill()  # no clean-up code of serve's runs
        server.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [w for w in workers if _alive(w)]
        for w in left:
            os.kill(w, signal.SIGKILL)
        assert not left, f"the worker outlived its server: {left}"
    finally:
        if server.poll() is None:
            server.kill()
