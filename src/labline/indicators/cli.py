"""`labline indicators …`: panels stored in labline (methods add their own commands)."""

from __future__ import annotations

import click

from labline.indicators.cli_panels import import_panel, list_panels, ranking


@click.group()
def indicators() -> None:
    """Innovation indicators: panels, rankings, composite indices, growth accounting."""


indicators.add_command(import_panel)
indicators.add_command(list_panels)
indicators.add_command(ranking)
