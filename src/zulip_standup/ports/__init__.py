"""Every interface between the application and the outside world, importable from here
(``from zulip_standup.ports import X``); defined by concern in the modules of this package:
``scheduling`` (clock, jobs, planning, hand-offs), ``storage`` (inbox, standups, runs),
``chat``, ``people`` (the directory of accounts), ``web_access`` (the dashboard's login
links, sessions and API tokens), ``webhooks`` and ``metrics``."""

from __future__ import annotations

from zulip_standup.ports.charts import Charts
from zulip_standup.ports.chat import (
    Chat,
    ChatError,
    ChatRefused,
    ChatUnreachable,
    ScheduledMessage,
)
from zulip_standup.ports.metrics import Count, LabelledCount, Metrics
from zulip_standup.ports.people import PeopleDirectory
from zulip_standup.ports.scheduling import (
    Clock,
    JobHandler,
    JobQueue,
    Planning,
    PlanSource,
    PromptHandOffs,
    ScheduleSource,
)
from zulip_standup.ports.storage import (
    AnswerStep,
    Delivery,
    Inbox,
    RunRepository,
    StandupRepository,
    StepPlan,
)
from zulip_standup.ports.summariser import Summariser
from zulip_standup.ports.web_access import TOUCH_EVERY, WebAccess
from zulip_standup.ports.webhooks import SendResult, WebhookSender, WebhookStore

__all__ = [
    "TOUCH_EVERY",
    "AnswerStep",
    "Charts",
    "Chat",
    "ChatError",
    "ChatRefused",
    "ChatUnreachable",
    "Clock",
    "Count",
    "Delivery",
    "Inbox",
    "JobHandler",
    "JobQueue",
    "LabelledCount",
    "Metrics",
    "PeopleDirectory",
    "PlanSource",
    "Planning",
    "PromptHandOffs",
    "RunRepository",
    "ScheduleSource",
    "ScheduledMessage",
    "SendResult",
    "StandupRepository",
    "StepPlan",
    "Summariser",
    "WebAccess",
    "WebhookSender",
    "WebhookStore",
]
