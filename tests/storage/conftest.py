"""The storage contract fixture: one set of stores on memory, SQLite and PostgreSQL.

A test that takes ``stores`` runs three times (ids ``memory``, ``sqlite``,
``postgres``) and uses only what every backend offers: the ports plus the few
extras of ``StoreSet``. Tests that read SQL rows or migrations take ``engine``
instead and run on SQLite and PostgreSQL only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.store_set import StoreSet, memory_stores, sql_stores
from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreSet]:
    """The storage ports on the in-memory twin, on SQLite and on PostgreSQL."""
    if request.param == "memory":
        yield memory_stores()
        return
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'standup.db'}"
    else:
        url = request.getfixturevalue("pg_empty_url")
    engine = make_engine(url)
    migrate.upgrade(engine)
    try:
        yield sql_stores(request.param, engine)
    finally:
        engine.dispose()
