"""Append-only tables: database triggers refuse UPDATE and DELETE on them.

A table opts in with ``info={"append_only": (pg_function, message)}`` in its table
arguments. Restore and wipe are the only operations allowed to lift the guards, and they
put them back in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table


def guarded(tables: Iterable[Table]) -> list[tuple[str, str, str]]:
    """(table, pg_function, message) for every append-only table among ``tables``."""
    out = []
    for table in tables:
        spec = table.info.get("append_only")
        if spec:
            function, message = spec
            out.append((table.name, function, message))
    return out


def install(conn: Connection, table: str, function: str, message: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
        )
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    else:
        for verb in ("update", "delete"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def remove(conn: Connection, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    else:
        for verb in ("update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
