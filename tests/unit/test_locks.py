"""The two lock files: `requirements.lock` (what the bot runs on) is the runtime part of
`requirements-dev.lock` (that plus the tools), pinned identically, so tests run on exactly the
versions an operator installs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s\\;]+)")
_HASH = re.compile(r"--hash=(sha256:[0-9a-f]{64})")
DEV_TOOLS = ("pytest", "mypy", "ruff", "hypothesis", "schemathesis", "playwright", "build")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """Package name -> (version, hashes) for every pin of a `uv pip compile` lock file."""
    pins: dict[str, tuple[str, frozenset[str]]] = {}
    current: str | None = None
    for line in path.read_text().splitlines():
        match = _PIN.match(line)
        if match:
            current = _normalise(match.group(1))
            pins[current] = (match.group(2), frozenset())
        for digest in _HASH.findall(line):
            assert current is not None, f"{path.name}: a hash before any pin"
            version, hashes = pins[current]
            pins[current] = (version, hashes | {digest})
    return pins


def test_every_runtime_pin_is_the_same_in_the_dev_lock() -> None:
    """Each package of requirements.lock is in requirements-dev.lock at the same version with
    the same hashes."""
    runtime = read_lock(ROOT / "requirements.lock")
    dev = read_lock(ROOT / "requirements-dev.lock")
    assert "zulip" in runtime
    assert "sqlalchemy" in runtime
    differing = {
        name: (pin[0], dev.get(name, ("missing", frozenset()))[0])
        for name, pin in runtime.items()
        if dev.get(name) != pin
    }
    assert differing == {}


def test_every_pin_has_hashes() -> None:
    """Both locks install with --require-hashes: no pin without a hash."""
    for name in ("requirements.lock", "requirements-dev.lock"):
        unhashed = [pkg for pkg, (_, hashes) in read_lock(ROOT / name).items() if not hashes]
        assert unhashed == [], name


def test_the_runtime_lock_holds_no_development_tool() -> None:
    """The test, lint, type and build tools are in the dev lock only."""
    runtime = read_lock(ROOT / "requirements.lock")
    dev = read_lock(ROOT / "requirements-dev.lock")
    assert [tool for tool in DEV_TOOLS if tool in runtime] == []
    assert [tool for tool in DEV_TOOLS if tool not in dev] == []


def test_the_build_lock_is_the_dev_locks_build_backend() -> None:
    """requirements-build.lock (the image's build stage) pins pyproject's build backend with
    the dev lock's versions and hashes, and nothing of the runtime or the other tools."""
    build = read_lock(ROOT / "requirements-build.lock")
    dev = read_lock(ROOT / "requirements-dev.lock")
    pyproject = (ROOT / "pyproject.toml").read_text()
    backend = re.search(r'requires = \["([A-Za-z0-9_.-]+)', pyproject)
    assert backend is not None
    assert _normalise(backend.group(1)) in build
    assert {name: pin for name, pin in build.items() if dev.get(name) != pin} == {}
    assert all(hashes for _, hashes in build.values())
    assert "zulip" not in build
    assert [tool for tool in DEV_TOOLS if tool in build] == []
