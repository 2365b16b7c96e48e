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


def token_created(name: str, token: str, api_url: str) -> str:
    return (
        f"Your API token **{name}**, shown this once:\n```text\n{token}\n```\n"
        f"Send it as `Authorization: Bearer <token>` to {api_url}; it reads what you may read "
        f"in chat. `token revoke {name}` deletes it."
    )


def token_name_taken(name: str) -> str:
    return (
        f"You already have a token named **{name}**. Pick another name "
        f"(`token new <name>`), or `token revoke {name}` first."
    )


def too_many_tokens(limit: int) -> str:
    return (
        f"You have {limit} API tokens, the most one person may hold. "
        "`token revoke <name>` one first."
    )


def tokens_listed(rows: list[tuple[str, str, str]]) -> str:
    """``rows``: name, created, last used."""
    if not rows:
        return "You have no API tokens. `token new [name]` makes one."
    lines = [f"- **{name}**: made {made}, {used}" for name, made, used in rows]
    return "Your API tokens:\n" + "\n".join(lines)


def token_revoked(name: str) -> str:
    return f"Token **{name}** is deleted; requests with it are refused from now on."


def no_such_token(name: str, names: list[str]) -> str:
    if not names:
        return f"You have no token named **{name}**, and no API tokens at all."
    listed = ", ".join(f"**{n}**" for n in names)
    return f"You have no token named **{name}**; yours are {listed}."
