"""Logging in to the dashboard from chat: a link works once, for 15 minutes, for its person;
sessions end on logout, after a day unused, and everywhere on `sessions revoke`."""

from __future__ import annotations

import datetime as dt

from service.dashboard_site import PUBLIC_URL, dashboard_site
from service.harness import Team
from zulip_standup.domain.commands import web_texts
from zulip_standup.services.housekeeping import Housekeeper


async def test_a_link_logs_its_person_in_once(team: Team) -> None:
    async with dashboard_site(team) as site:
        token = await site.link_for(team.ann)
        # Opening the link (a link preview, say) does not spend it; only the button does.
        opened = await site.get(None, f"/login/{token}")
        assert opened.status == 200
        assert "Log in to the standup dashboard" in opened.text
        pressed = await site.press(team.ann, token)
        assert pressed.status == 303
        assert pressed.location == "/"
        cookie = pressed.headers["Set-Cookie"]
        for flag in ("HttpOnly", "SameSite=Lax", "Secure"):
            assert flag in cookie, cookie
        home = await site.get(team.ann, "/")
        assert home.status == 200
        assert "Ann Archer" in home.text
        again = await site.press(team.ben, token)
        assert again.status == 400
        assert "cannot be used" in again.text
        assert team.ben.user_id not in site.cookies


async def test_an_expired_link_is_refused(team: Team) -> None:
    async with dashboard_site(team) as site:
        token = await site.link_for(team.ann)
        team.clock.set(team.clock.now() + dt.timedelta(minutes=15))
        refused = await site.press(team.ann, token)
        assert refused.status == 400
        assert "older than 15 minutes" in refused.text
        fresh = await site.log_in(team.ann)
        assert fresh.status == 303


async def test_a_forged_link_is_refused(team: Team) -> None:
    async with dashboard_site(team) as site:
        token = await site.link_for(team.ann)
        forged = token[:-1] + ("A" if token[-1] != "A" else "B")
        assert (await site.press(team.ann, forged)).status == 400
        assert (await site.press(team.ann, "x" * 22)).status == 400
        assert (await site.press(team.ann, token)).status == 303


async def test_a_login_form_posted_from_another_site_is_refused(team: Team) -> None:
    async with dashboard_site(team) as site:
        token = await site.link_for(team.ann)
        for origin in ("https://evil.example.com", None):
            refused = await site.post(team.ann, f"/login/{token}", origin=origin)
            assert refused.status == 403
        # The refused posts did not spend the link.
        assert (await site.press(team.ann, token)).status == 303


async def test_pages_need_a_session(team: Team) -> None:
    async with dashboard_site(team) as site:
        for path in ("/", "/blockers", "/search?q=x", "/standups/1"):
            reply = await site.get(None, path)
            assert reply.status == 303
            assert reply.location == "/login"
        help_page = await site.get(None, "/login")
        assert "Send dashboard to the Standup bot" in " ".join(help_page.text.split()).replace(
            "<code>", ""
        ).replace("</code>", "")


async def test_logout_ends_the_session(team: Team) -> None:
    async with dashboard_site(team) as site:
        await site.log_in(team.ann)
        out = await site.post(team.ann, "/logout")
        assert out.status == 303
        assert out.location == "/login"
        # The old cookie opens nothing any more.
        assert (await site.get(team.ann, "/")).status == 303


async def test_sessions_revoke_ends_every_session_and_unused_link(team: Team) -> None:
    async with dashboard_site(team) as site:
        await site.log_in(team.ann)
        first = site.cookies[team.ann.user_id]
        await site.log_in(team.ann)
        unused = await site.link_for(team.ann)
        await site.log_in(team.ben)
        (reply,) = await team.says(team.ann, "sessions revoke")
        assert reply == web_texts.sessions_revoked(2)
        assert (await site.get(team.ann, "/")).status == 303
        site.cookies[team.ann.user_id] = first
        assert (await site.get(team.ann, "/")).status == 303
        assert (await site.press(team.ann, unused)).status == 400
        # Ben's session is his own.
        assert (await site.get(team.ben, "/")).status == 200


async def test_a_session_unused_for_twelve_hours_ends(team: Team) -> None:
    async with dashboard_site(team) as site:
        await site.log_in(team.ann)
        for _ in range(3):
            team.clock.set(team.clock.now() + dt.timedelta(hours=11))
            assert (await site.get(team.ann, "/")).status == 200
        team.clock.set(team.clock.now() + dt.timedelta(hours=12, seconds=1))
        assert (await site.get(team.ann, "/")).status == 303


async def test_without_a_public_url_the_bot_says_the_dashboard_is_off(team: Team) -> None:
    async with dashboard_site(team, public_url=None):
        (reply,) = await team.says(team.ann, "dashboard")
        assert reply == web_texts.dashboard_off()
        assert "STANDUP_PUBLIC_URL" in reply


async def test_the_link_is_only_given_in_a_dm(team: Team) -> None:
    async with dashboard_site(team):
        reply = await team.asks(team.ann, "dashboard", team.team_channel)
        assert PUBLIC_URL not in reply
        assert "direct message" in reply or "DM" in reply


async def test_housekeeping_forgets_expired_links_and_sessions(team: Team) -> None:
    """A day after they expired, the link and the session are deleted; a live one stays."""
    keeper = Housekeeper(team.clock, team.storage.runs, team.storage.jobs, 0, web=team.storage.web)
    async with dashboard_site(team) as site:
        await site.log_in(team.ann)
        await site.link_for(team.ann)  # never used: expires in 15 minutes
        assert keeper.run_once().web_access_purged == 0
        team.clock.set(team.clock.now() + dt.timedelta(days=8, minutes=1))
        await site.log_in(team.ben)
        # Ann's used and unused links and her session (7 days at most) go; Ben's stay.
        assert keeper.run_once().web_access_purged == 3
        assert keeper.run_once().web_access_purged == 0
        assert (await site.get(team.ben, "/")).status == 200


async def test_a_process_that_does_not_serve_the_realm_says_so(team: Team) -> None:
    """A standby (or a process still starting) answers pages and the API with 503 and
    Retry-After, and the session still works once the realm is served here."""
    async with dashboard_site(team) as site:
        await site.log_in(team.ann)
        token = await site.token_for(team.ann)
        site.serving = False
        page = await site.get(team.ann, "/")
        assert page.status == 503
        assert page.headers["Retry-After"] == "5"
        assert "another process of the bot serves it" in page.text
        api = await site.api(token, "/me")
        assert api.status == 503
        assert api.headers["Retry-After"] == "5"
        site.serving = True
        assert (await site.get(team.ann, "/")).status == 200
