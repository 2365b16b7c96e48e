"""The wheel alone is the program: built from this tree, installed into a fresh virtual
environment with the runtime lock, it runs `--version`, `migrate` and `demo` from a directory
outside the repository, and carries every file the program reads at run time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("zulip_standup", "localzulip")
# pip runs as the developer's pip would (their pip configuration and download cache under the
# real home); conftest moves HOME to a temporary one for each test, after this import.
_PIP_HOME = os.environ.get("HOME", "")

pytestmark = pytest.mark.slow

_LIST_FILES = """
import json, sys
from importlib import metadata
import zulip_standup, localzulip
dist = metadata.distribution("zulip-standup")
print(json.dumps({
    "files": [str(f) for f in dist.files or []],
    "packages": [zulip_standup.__file__, localzulip.__file__],
}))
"""


def _source_files() -> set[str]:
    """Every file of the two packages in the source tree, as a wheel would name it."""
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / "src" / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.add(path.relative_to(ROOT / "src").as_posix())
    return found


def _check(argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{argv}: {result.returncode}\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.mark.timeout(900)
def test_the_wheel_installs_alone_and_runs(tmp_path: Path) -> None:
    """`python -m build --wheel` makes a wheel that, installed with `requirements.lock` alone
    into a clean venv, holds every package file (migrations, `env.py`, `script.py.mako`,
    templates, CSS, localzulip's JSON) and runs `--version`, `migrate` on a new SQLite file
    and `demo` (exit 0) from a directory that is not the repository."""
    outside = os.environ.copy()
    outside.pop("PYTHONPATH", None)
    pip_env = {**outside, "HOME": _PIP_HOME}
    dist = tmp_path / "dist"
    _check(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), "."],
        cwd=ROOT,
        env=pip_env,
    )
    (wheel,) = dist.glob("zulip_standup-*-py3-none-any.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python, pip = env_dir / "bin" / "python", [str(env_dir / "bin" / "python"), "-m", "pip"]
    _check([*pip, "install", "--quiet", "--no-deps", str(wheel)], cwd=tmp_path, env=pip_env)
    lock = ROOT / "requirements.lock"
    _check(
        [*pip, "install", "--quiet", "--require-hashes", "--no-deps", "-r", str(lock)],
        cwd=tmp_path,
        env=pip_env,
        timeout=600,
    )
    _check([*pip, "check"], cwd=tmp_path, env=pip_env)

    work = tmp_path / "elsewhere"
    work.mkdir()
    run_env = {
        "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(work),
        "XDG_DATA_HOME": str(work / "data"),
        "DATABASE_URL": f"sqlite:///{work / 'standup.db'}",
    }
    installed = json.loads(_check([str(python), "-c", _LIST_FILES], cwd=work, env=run_env))
    site = env_dir.resolve()
    assert all(Path(p).resolve().is_relative_to(site) for p in installed["packages"]), installed
    missing = _source_files() - set(installed["files"])
    assert missing == set()
    for needed in (
        "zulip_standup/storage/migrations/env.py",
        "zulip_standup/storage/migrations/script.py.mako",
        "zulip_standup/storage/migrations/versions/0001_initial_schema.py",
        "zulip_standup/web/templates/base.html",
        "zulip_standup/web/static/style.css",
        "localzulip/data/realm_register.json",
    ):
        assert needed in installed["files"]

    command = str(env_dir / "bin" / "zulip-standup")
    version = _check([command, "--version"], cwd=work, env=run_env)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert version == f"zulip-standup {project['version']}\n"
    migrated = _check([command, "migrate"], cwd=work, env=run_env)
    assert "database: migrated from empty to" in migrated
    assert (work / "standup.db").is_file()
    demo = _check([command, "demo"], cwd=work, env=run_env)
    assert "duplicates: 0" in demo
