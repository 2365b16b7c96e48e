"""Chat replies about the web dashboard: the login link and ending sessions."""

from __future__ import annotations

from zulip_standup.domain.limits import LOGIN_LINK_MINUTES


def dashboard_link(url: str) -> str:
    return (
        f"Here is your dashboard link: {url}\n"
        f"It logs you in once and stops working in {LOGIN_LINK_MINUTES} minutes. "
        "Don't share it: whoever opens it sees what you may see. "
        "`sessions revoke` logs you out everywhere."
    )


def dashboard_off() -> str:
    return (
        "The web dashboard is not set up on this server: the operator has to set "
        "`STANDUP_PUBLIC_URL` to the address people reach the bot at."
    )


def sessions_revoked(count: int) -> str:
    if count == 0:
        return (
            "You had no dashboard session open; any unused login link of yours has stopped "
            "working too."
        )
    sessions = "session" if count == 1 else "sessions"
    return (
        f"Ended {count} dashboard {sessions}; unused login links of yours stopped working too. "
        "Send `dashboard` for a new link."
    )
