"""The `labline` command: a root group; each domain contributes its own commands.

Commands are thin adapters over the services, like the routes. A module adds its
group in its `module.py` record (`labline.registry`); the root group adds them at its first
use, not when this module is imported.
"""

from __future__ import annotations

from pathlib import Path

import click

from labline import clock
from labline.clitools import DomainErrors
from labline.config import Settings
from labline.core import audit_keys


class Context:
    """What every command receives: settings built once from the root options, and what
    the module records declare for the commands (the indicators' live-figure providers, the
    one search box's searchables)."""

    def __init__(self, settings: Settings) -> None:
        from labline import registry

        self.settings = settings
        self.engine: object | None = None
        self.live_figures = registry.live_figure_providers()
        self.searchables = registry.searchables()  # the one search box's kinds


class Root(DomainErrors):
    """The `labline` group: every module's commands are added when it is first asked for
    one (to run it, or for --help), not when this module is imported. Each worker process of
    `labline serve --workers N` runs the `labline` script's imports again (multiprocessing
    starts it afresh) and then builds the app: it needs no command, nor their modules."""

    _registered = False

    def _register(self) -> None:
        if self._registered:
            return
        self._registered = True
        from labline import registry
        from labline.demo.cli import demo

        for command in [*registry.commands(), demo]:
            self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._register()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._register()
        return super().get_command(ctx, cmd_name)


@click.group(cls=Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data folder (LABLINE_DATA_DIR).")
@click.option("--database-url", help="SQLAlchemy database URL (LABLINE_DATABASE_URL).")
@click.version_option(package_name="labline")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, database_url: str | None) -> None:
    """labline: from the lab to the production line."""
    overrides: dict[str, object] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if database_url is not None:
        overrides["database_url"] = database_url
    ctx.obj = Context(Settings(**overrides))  # type: ignore[arg-type]
    audit_keys.configure(ctx.obj.settings)  # the audit chain's key, read at first use
    clock.use_platform_zone(ctx.obj.settings.time_zone)  # whose "today" commands judge by


def main() -> None:
    cli(prog_name="labline")
