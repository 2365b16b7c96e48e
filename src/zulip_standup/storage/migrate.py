"""Schema migrations through Alembic, driven from code rather than an alembic.ini.

Alembic (with Mako) costs a bot process some 10 MiB and a quarter of a second to
import, and at nearly every start the schema is already up to date. So which
revision the database is at, and which is the newest, are read without it: the
first from Alembic's version table, the second from the revision files. Alembic
itself is imported only to move the schema.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, column, inspect, select, table

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
# Alembic's default, which migrations/env.py keeps.
VERSION_TABLE = "alembic_version"


def _config(engine: Engine | None = None) -> Config:
    from alembic.config import Config  # noqa: PLC0415 - see the module docstring

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (the newest by default); a database already at
    the newest is left alone without loading Alembic."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    from alembic import command  # noqa: PLC0415

    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema down to ``revision`` (empty by default)."""
    from alembic import command  # noqa: PLC0415

    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an unmigrated database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        versions = table(VERSION_TABLE, column("version_num"))
        revisions = [str(r) for r in connection.execute(select(versions.c.version_num)).scalars()]
    if len(revisions) > 1:
        msg = f"the database is at several revisions at once: {sorted(revisions)}"
        raise RuntimeError(msg)
    return revisions[0] if revisions else None


def known_revisions() -> frozenset[str]:
    """Every revision this code has a migration for (a database at another is newer)."""
    return frozenset(_revision_of(path)[0] for path in VERSIONS_DIR.glob("*.py"))


def head_revision() -> str:
    """The newest revision this code knows: the one no revision file names as its parent."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS_DIR.glob("*.py"):
        revision, down = _revision_of(path)
        revisions.add(revision)
        parents.update(down)
    heads = revisions - parents
    if len(heads) != 1:
        msg = f"the migrations have {len(heads)} heads: {sorted(heads)}"
        raise RuntimeError(msg)
    return heads.pop()


def _revision_of(path: Path) -> tuple[str, tuple[str, ...]]:
    """A revision file's ``revision`` and ``down_revision`` (none, one or a merge's several)."""
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            values[target.id] = ast.literal_eval(value)
    revision, down = values.get("revision"), values.get("down_revision")
    if not isinstance(revision, str):
        msg = f"{path.name} names no revision"
        raise RuntimeError(msg)
    if down is None:
        return revision, ()
    if isinstance(down, str):
        return revision, (down,)
    if isinstance(down, tuple | list):
        return revision, tuple(str(d) for d in down)
    msg = f"{path.name} names an unreadable down_revision"
    raise RuntimeError(msg)


def autogenerate(engine: Engine, message: str) -> None:
    """Write a new revision from the difference between the tables and the database."""
    from alembic import command  # noqa: PLC0415

    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
