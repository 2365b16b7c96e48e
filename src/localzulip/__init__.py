"""localzulip: a local Zulip-compatible API server for tests, benchmarks and demos."""

from localzulip.clock import RealClock, VirtualClock
from localzulip.core import ServerConfig
from localzulip.models import Message, User
from localzulip.ratelimit import RateLimitConfig
from localzulip.realm import Realm, RealmSettings
from localzulip.realmfile import load_realm, realm_from_dict
from localzulip.sample import sample_realm
from localzulip.server import LocalZulip

__all__ = [
    "LocalZulip",
    "Message",
    "RateLimitConfig",
    "RealClock",
    "Realm",
    "RealmSettings",
    "ServerConfig",
    "User",
    "VirtualClock",
    "load_realm",
    "realm_from_dict",
    "sample_realm",
]
