"""An uploaded table handed to the growth service (shared by the API and the page)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import UploadFile

from labline.core.access import Actor, require_signed_in
from labline.errors import FieldError, InvalidInput
from labline.indicators.growth.service import GrowthRow, growth_accounting


def run_upload(actor: Actor, upload: UploadFile, base_year: int) -> list[GrowthRow]:
    require_signed_in(actor)
    if not 1950 <= base_year <= 2100:
        raise InvalidInput(
            f"Base year {base_year} is outside 1950–2100.",
            fields=[FieldError("base_year", "a year such as 2017")],
        )
    name = Path(upload.filename or "upload.csv").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with path.open("wb") as fh:
            shutil.copyfileobj(upload.file, fh)
        return growth_accounting(path, base_year=base_year)
