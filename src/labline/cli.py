"""The `labline` command: a root group; each domain contributes its own commands.

Commands are thin adapters over the services, like the routes. A module adds its
group in its `module.py` record (`labline.registry`).
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


@click.group(cls=DomainErrors, context_settings={"help_option_names": ["-h", "--help"]})
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


def _register() -> None:
    from labline import registry
    from labline.demo.cli import demo

    for command in [*registry.commands(), demo]:
        cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="labline")
