"""Every metric the bot exports, in one registry with one prefix; counts only, never content."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

PREFIX = "zulip_standup"


class Metrics:
    """A registry per bot process (tests build their own, so nothing is global)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.prompts_sent = Counter(
            f"{PREFIX}_prompts_sent", "Standup prompts sent", ["late"], registry=self.registry
        )
        self.answers_recorded = Counter(
            f"{PREFIX}_answers_recorded", "Answers stored", registry=self.registry
        )
        self.commands = Counter(
            f"{PREFIX}_commands", "Commands handled", ["command", "outcome"], registry=self.registry
        )
        self.jobs = Counter(
            f"{PREFIX}_jobs", "Scheduled jobs performed", ["kind"], registry=self.registry
        )
        self.handler_errors = Counter(
            f"{PREFIX}_handler_errors",
            "Unexpected errors while handling events",
            registry=self.registry,
        )
        self.slowed_down = Counter(
            f"{PREFIX}_commands_rate_limited",
            "Commands refused by the per-user limit",
            registry=self.registry,
        )
        self.queue_registrations = Gauge(
            f"{PREFIX}_event_queue_registrations",
            "Event queue (re-)registrations since start",
            registry=self.registry,
        )
        self.lease_held = Gauge(
            f"{PREFIX}_lease_held",
            "1 while this process holds the bot account's lease (and serves it)",
            ["account", "holder"],
            registry=self.registry,
        )
        self.lease_epoch = Gauge(
            f"{PREFIX}_lease_epoch",
            "Epoch of the lease this process holds on the bot account",
            ["account"],
            registry=self.registry,
        )
        self.zulip_rate_limited = Gauge(
            f"{PREFIX}_zulip_429_responses",
            "429 answers received from Zulip",
            registry=self.registry,
        )
