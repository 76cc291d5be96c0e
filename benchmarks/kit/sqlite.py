"""A labline world in a SQLite file in a data folder, as the scale benchmarks build it:
its settings, sessions and migrations (labline is imported only when these are called)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def database_url(data: Path) -> str:
    return f"sqlite:///{data / 'labline.db'}"


def settings(data: Path, jobs: str = "sqlite", env: str = "development") -> Any:
    from labline.config import Settings

    return Settings(env=env, data_dir=data, jobs=jobs)


def sessions(data: Path) -> Any:
    from labline.db import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(database_url(data)))


def upgrade(data: Path) -> None:
    """The database to this code's migrations, as `labline db upgrade` does."""
    from labline.core import database
    from labline.db import make_engine

    database.upgrade(make_engine(database_url(data)))
