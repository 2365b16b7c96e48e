"""The dashboard's pages over HTTP: what each person sees, and the permission matrix.

The realm is ``dashboard_realm``'s. Every page and export answers each of its people as
the chat commands would: readers of a channel read its standup, nobody else, and a standup
one may not read looks exactly like one that does not exist.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from service.dashboard_realm import (
    ANN_SECRET,
    ANN_TEAM,
    DEE,
    MAX,
    READS,
    ROLES,
    answered_realm,
    person_in,
)
from service.dashboard_site import dashboard_site
from service.harness import Team
from zulip_standup.services.dashboard import NOT_FOUND


async def test_a_member_sees_the_day_with_answers_escaped_and_blockers(team: Team) -> None:
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        await site.log_in(team.ben)
        day = await site.get(team.ben, f"/standups/{ids['team']}?date=2026-11-30")
        assert day.status == 200
        assert "Reviewed the payments PR" in day.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in day.text
        assert "<script>" not in day.text
        assert "Waiting on VPN" in day.text.split("Open blockers")[1]
        assert "script-src" not in day.headers["Content-Security-Policy"]
        assert "default-src 'none'" in day.headers["Content-Security-Policy"]
        charts = await site.get(team.ben, f"/standups/{ids['team']}/charts?days=90")
        assert charts.status == 200
        assert charts.text.count("<svg") == 2
        bad = await site.get(team.ben, f"/standups/{ids['team']}?date=2026-13-01")
        assert bad.status == 400
        assert "is not a date; give YYYY-MM-DD" in bad.text
        assert (await site.get(team.ben, f"/standups/{ids['team']}/charts?days=7")).status == 400


async def test_an_export_holds_everyones_answers_only_for_managers(team: Team) -> None:
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        path = f"/standups/{ids['team']}/export.csv?from=2026-11-30&to=2026-11-30"
        for person, rows in ((MAX, 3), (team.ben, 0), (team.ann, 3)):
            await site.log_in(person)
            reply = await site.get(person, path)
            assert reply.status == 200
            assert reply.headers["Content-Disposition"].startswith("attachment;")
            parsed = list(csv.DictReader(io.StringIO(reply.text)))
            assert len(parsed) == rows, (person.full_name, parsed)
            assert all(r["name"] == "Ann Archer" for r in parsed)


PAGES = (
    "/standups/{id}?date=2026-11-30",
    "/standups/{id}/people/11",
    "/standups/{id}/charts",
    "/standups/{id}/export.json",
)


@pytest.mark.parametrize("channel", ["team", "secret"])
@pytest.mark.parametrize("role", list(ROLES))
async def test_permission_matrix(team: Team, role: str, channel: str) -> None:
    ids = await answered_realm(team)
    person = person_in(team, role)
    allowed = READS[(role, channel)]
    async with dashboard_site(team) as site:
        await site.log_in(person)
        missing = max(ids.values()) + 100
        for page in PAGES:
            reply = await site.get(person, page.format(id=ids[channel]))
            assert reply.status == (200 if allowed else 404), (role, channel, page)
            if not allowed:
                nowhere = await site.get(person, page.format(id=missing))
                assert nowhere.status == 404
                assert _message(reply.text) == _message(nowhere.text) == NOT_FOUND
        home = await site.get(person, "/")
        assert (f'/standups/{ids[channel]}"' in home.text) is allowed
        word, answer = (
            ("reorg", ANN_SECRET[0]) if channel == "secret" else ("payments", ANN_TEAM[0])
        )
        search = await site.get(person, f"/search?q={word}")
        assert search.status == 200
        assert (answer in search.text) is allowed
        blockers = await site.get(person, "/blockers")
        if channel == "team":
            assert ("Waiting on VPN" in blockers.text) is allowed


async def test_a_deactivated_person_is_logged_out(team: Team) -> None:
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        await site.log_in(DEE)
        assert (await site.get(DEE, f"/standups/{ids['team']}")).status == 200
        gone = replace(DEE, is_active=False)
        team.chat.people[DEE.user_id] = gone
        team.runtime.directory.add(gone)
        for page in ("/", f"/standups/{ids['team']}", "/blockers"):
            reply = await site.get(DEE, page)
            assert reply.status == 303
            assert reply.location == "/login"


def _message(html: str) -> str:
    start = html.index('<p class="message">') + len('<p class="message">')
    return html[start : html.index("</p>", start)]


async def test_a_managers_view_of_another_persons_history(team: Team) -> None:
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        await site.log_in(MAX)
        page = await site.get(
            MAX, f"/standups/{ids['secret']}/people/{team.ann.user_id}?from=2026-11-01"
        )
        assert page.status == 200
        assert "Ann Archer" in page.text
        for text in ANN_SECRET[:2]:
            assert text in page.text
        assert "Reviewed the payments PR" not in page.text


async def test_odd_dates_and_ids_get_a_clear_400_or_404_never_a_500(team: Team) -> None:
    """The pages read dates and ids as the API does (``web.params``): the calendar's ends,
    compact or week dates, other scripts' digits and absurd ids."""
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        await site.log_in(team.ben)
        day = f"/standups/{ids['team']}"
        for query in ("?date=0001-01-01", "?date=9999-12-31", "?date=20261130", "?date=2026-W49-1"):
            reply = await site.get(team.ben, day + query)
            assert reply.status == 400, query
        person = f"/standups/{ids['team']}/people/{team.ann.user_id}?from=0001-01-01"
        assert (await site.get(team.ben, person)).status == 400
        for path in ("/standups/\u0661", "/standups/99999999999999999", "/standups/0"):
            assert (await site.get(team.ben, path)).status == 404, path
        long_search = await site.get(team.ben, "/search?q=" + "x" * 501)
        assert long_search.status == 400
        assert "at most 500 characters" in long_search.text


async def test_a_persons_page_exports_that_persons_answers(team: Team) -> None:
    """The export links of Ann's page hold her rows only; for Ben, not a manager, none
    (others' answers leave only with a manager's export)."""
    ids = await answered_realm(team)
    async with dashboard_site(team) as site:
        path = (
            f"/standups/{ids['team']}/export.csv?from=2026-11-30&to=2026-11-30"
            f"&user_id={team.ann.user_id}"
        )
        for person, expected in ((MAX, 3), (team.ben, 0)):
            await site.log_in(person)
            page = await site.get(person, f"/standups/{ids['team']}/people/{team.ann.user_id}")
            assert f"user_id={team.ann.user_id}" in page.text
            rows = list(csv.DictReader(io.StringIO((await site.get(person, path)).text)))
            assert len(rows) == expected
            assert {r["name"] for r in rows} <= {"Ann Archer"}
        lena_only = path.replace(str(team.ann.user_id), str(team.lena.user_id))
        assert list(csv.DictReader(io.StringIO((await site.get(MAX, lena_only)).text))) == []
