"""Alembic migrations, shipped inside the package so `labline db upgrade` works anywhere."""
