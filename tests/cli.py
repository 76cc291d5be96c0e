"""Running labline's command line in a test: one data directory, the output checked against
the exit code the test expects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner


def cli_runner(data_dir: Path) -> Callable[..., str]:
    """`run(*args, code=0)`: `labline --data-dir DATA_DIR *args`; fails the test unless it
    exits with `code`, else returns what it printed."""
    from labline.cli import cli  # imported when used, as the commands' own tests did

    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, ["--data-dir", str(data_dir), *args])
        assert result.exit_code == code, result.output
        return result.output

    return run
