"""The zuliprc file and the Zulip site URL, read and checked before the settings are built.

Kept apart from ``settings`` because they follow the official client's rules (the file
format, which sites may be reached over plain HTTP), not ours.
"""

from __future__ import annotations

import configparser
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: the only hosts allowed over plain HTTP."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_site(value: str, what: str = "a Zulip server") -> str:
    """A site URL (a Zulip server's, the dashboard's): HTTPS, or plain HTTP only on loopback."""
    site = value.strip().rstrip("/")
    if site.startswith("localhost"):
        site = "http://" + site
    elif "://" not in site:
        site = "https://" + site
    parts = urlsplit(site)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        msg = f"{value!r} is not an http(s) URL of {what}"
        raise ValueError(msg)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        msg = (
            f"{value!r} uses plain HTTP to a non-loopback host; "
            "only HTTPS is allowed except for a local test server on 127.0.0.1, ::1 or localhost"
        )
        raise ValueError(msg)
    return site


@dataclass(frozen=True)
class ZuliprcValues:
    """What a zuliprc file's ``[api]`` section says."""

    email: str | None
    key: str | None
    site: str | None
    insecure: bool | None


def read_zuliprc(path: Path) -> ZuliprcValues:
    """Read a zuliprc file; raise ValueError naming what is wrong with it."""
    if not path.exists():
        msg = f"zuliprc file {path} does not exist"
        raise ValueError(msg)
    if not path.is_file():
        msg = f"zuliprc path {path} is not a file"
        raise ValueError(msg)
    parser = configparser.ConfigParser()
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except (configparser.Error, UnicodeDecodeError, OSError) as exc:
        msg = f"zuliprc file {path} cannot be read as an INI file with an [api] section"
        raise ValueError(msg) from exc
    if not parser.has_section("api"):
        msg = f"zuliprc file {path} has no [api] section"
        raise ValueError(msg)
    section = parser["api"]
    insecure_text = section.get("insecure")
    insecure = None
    if insecure_text is not None:
        if insecure_text.strip().lower() not in {"true", "false"}:
            msg = f"zuliprc file {path}: insecure must be true or false, not {insecure_text!r}"
            raise ValueError(msg)
        insecure = insecure_text.strip().lower() == "true"
    return ZuliprcValues(
        email=section.get("email"),
        key=section.get("key"),
        site=section.get("site"),
        insecure=insecure,
    )
