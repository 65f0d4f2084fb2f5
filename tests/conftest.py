"""Fixtures shared by the Django test folders. Imports stay inside fixtures so tests/domain runs without Django."""

import pytest

# What a layer import writes (the layers, their versions, their features and the change log of the first two),
# copied once per test session in PostgreSQL's binary format: table -> (primary key column, rows).
LAYER_MODELS = ("Layer", "LayerVersion", "Feature", "LayerChange", "LayerVersionChange")
_layer_tables_copy: dict[str, tuple[str, bytes]] = {}


def _copy_out(connection, table: str) -> bytes:
    chunks = []
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as copy:
        chunks.extend(bytes(data) for data in copy)
    return b"".join(chunks)


def _copy_back(connection, copies: dict[str, tuple[str, bytes]]) -> None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        # The rows are the import's own, change log included: no trigger may add to them or check them mid-way.
        # (Switching triggers off takes a superuser, which the test database's owner is: scripts/services.sh.)
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table, (pk, data) in copies.items():
            with cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)
            top = f"(SELECT COALESCE(max({pk}), 1) FROM {table})"
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), {top})")


@pytest.fixture
def real_layers_committed(transactional_db):
    """For tests that need committed rows (a Celery worker or a live server on its own connection): a
    transactional test empties every table when it ends, so each such test needs the real layers again. The
    first one imports them (about a minute) and keeps a copy of the tables the import wrote; the next ones put
    that copy back, the same rows with the same ids, in seconds."""
    from django.apps import apps
    from django.db import connection

    if _layer_tables_copy:
        _copy_back(connection, _layer_tables_copy)
        return
    from sitesel.demo.layers import demo_layers_import

    for _ in demo_layers_import():
        pass
    for name in LAYER_MODELS:
        meta = apps.get_model("sitesel", name)._meta
        _layer_tables_copy[meta.db_table] = (meta.pk.column, _copy_out(connection, meta.db_table))
