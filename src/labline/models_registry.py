"""Imports every module's tables so that metadata is complete (migrations, backups)."""

from __future__ import annotations

from labline.core import models as _core  # noqa: F401
from labline.db import Base
from labline.facilities import models as _facilities  # noqa: F401
from labline.indicators import models as _indicators  # noqa: F401
from labline.market import models as _market  # noqa: F401
from labline.review import document_models as _review_documents  # noqa: F401
from labline.review import models as _review  # noqa: F401

metadata = Base.metadata
