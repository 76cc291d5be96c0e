"""The demo world's indicator panels: China's provinces' R&D figures from the yearbook,
from the full files when the demo is given a folder of them (`labline demo --indicators
../shared/data/indicators`), else from the small panel shipped in refdata/ (README there)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from labline.core.access import command_line_actor
from labline.indicators.engine import china
from labline.indicators.service import store

if TYPE_CHECKING:
    from labline.demo.api import World

if TYPE_CHECKING:
    pass


SHIPPED = Path(__file__).parent / "refdata" / "china_provinces_rd.csv"


def panel_rows(folder: Path | None) -> tuple[list[dict[str, Any]], str]:
    """The rows to load and where they come from."""
    import pandas as pd

    if folder is not None and all((folder / name).is_file() for name in china.FILES):
        raw, _report = china.read_china_provincial(folder=folder)
        frame = china.catalogue_panel(panel=raw)
        return frame.drop(columns="source").to_dict("records"), str(folder)
    frame = pd.read_csv(SHIPPED)
    return frame.to_dict("records"), SHIPPED.name


def step_indicators(world: World) -> None:
    rows, origin = panel_rows(world.indicators)
    stored = store.store_rows(
        world.session,
        actor=command_line_actor("demo"),
        rows=rows,
        filename=origin,
        source=china.SOURCE,
    )
    world.counts["indicator values"] = stored.rows_stored
    if world.progress:
        world.progress("indicators", 1, 1)
