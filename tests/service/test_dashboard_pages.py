"""The dashboard's pages over HTTP: what each person sees, and the permission matrix.

The realm: #team (public) with Lena's standup and #secret (private) with Ann's; Max
manages both; Oli owns the organisation, Nia is a member in neither channel, Gus a guest
outside both, and Dee is deactivated after logging in. Every page and export answers each
of them as the chat commands would: readers of a channel read its standup, nobody else,
and a standup one may not read looks exactly like one that does not exist.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from service.dashboard_site import dashboard_site
from service.fake_chat import BOT_ID
from service.harness import MONDAY, Team, utc
from zulip_standup.domain.chat import Channel, Person, Role
from zulip_standup.services.dashboard import NOT_FOUND

SECRET = Channel(7, "secret", invite_only=True)
MAX = Person(20, "Max Manager", "max@example.org", "Europe/Berlin", Role.MEMBER, False, True)
OLI = Person(21, "Oli Owner", "oli@example.org", "Europe/Berlin", Role.OWNER, False, True)
NIA = Person(22, "Nia Nobody", "nia@example.org", "Europe/Berlin", Role.MEMBER, False, True)
DEE = Person(23, "Dee Departed", "dee@example.org", "Europe/Berlin", Role.MEMBER, False, True)
ANN_TEAM = ["Reviewed the payments PR", "Ship <script>alert(1)</script> 2.4", "Waiting on VPN"]
ANN_SECRET = ["Drafted the reorg", "Talk to legal", "none"]


async def _realm(team: Team) -> dict[str, int]:
    """Both standups answered by Ann on Monday; their ids by channel name."""
    for person in (MAX, OLI, NIA, DEE):
        team.chat.people[person.user_id] = person
        team.runtime.directory.add(person)
    team.chat.subscribers[team.team_channel.stream_id] += [MAX.user_id, DEE.user_id]
    team.chat.channels[SECRET.stream_id] = SECRET
    team.chat.subscribers[SECRET.stream_id] = [BOT_ID, team.ann.user_id, MAX.user_id]
    await team.sets_up(team.lena)
    await team.sets_up(team.ann, "setup", SECRET)
    for creator, channel in ((team.lena, team.team_channel), (team.ann, SECRET)):
        reply = await team.asks(creator, "config managers add @**Max Manager**", channel)
        assert "1 added to the managers" in reply, reply
    await team.at(utc(MONDAY, 8, 30))
    await team.answers(team.ann, ANN_TEAM)
    await team.answers(team.ann, ANN_SECRET)
    await team.at(utc(MONDAY, 9, 0))
    ids = {}
    for standup in team.storage.standups.in_realm(team.realm_id):
        ids[standup.stream_name] = standup.id
    return ids


async def test_a_member_sees_the_day_with_answers_escaped_and_blockers(team: Team) -> None:
    ids = await _realm(team)
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
        assert "is not a date; give a date as YYYY-MM-DD" in bad.text
        assert (await site.get(team.ben, f"/standups/{ids['team']}/charts?days=7")).status == 400


async def test_an_export_holds_everyones_answers_only_for_managers(team: Team) -> None:
    ids = await _realm(team)
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


# Who may read which standup: readers of its channel (SECURITY.md 3), as in chat.
ROLES = {
    "owner": OLI,
    "admin": None,  # Lena, the team's lead
    "manager": MAX,
    "member": None,  # Ann, in both channels
    "non-member": NIA,
    "guest": None,  # Gus, in neither
}
READS = {
    ("owner", "team"): True,
    ("owner", "secret"): False,
    ("admin", "team"): True,
    ("admin", "secret"): False,
    ("manager", "team"): True,
    ("manager", "secret"): True,
    ("member", "team"): True,
    ("member", "secret"): True,
    ("non-member", "team"): True,
    ("non-member", "secret"): False,
    ("guest", "team"): False,
    ("guest", "secret"): False,
}
PAGES = (
    "/standups/{id}?date=2026-11-30",
    "/standups/{id}/people/11",
    "/standups/{id}/charts",
    "/standups/{id}/export.json",
)


def _person(team: Team, role: str) -> Person:
    named = {"admin": team.lena, "member": team.ann, "guest": team.gus}
    return ROLES[role] or named[role]


@pytest.mark.parametrize("channel", ["team", "secret"])
@pytest.mark.parametrize("role", list(ROLES))
async def test_permission_matrix(team: Team, role: str, channel: str) -> None:
    ids = await _realm(team)
    person = _person(team, role)
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
    ids = await _realm(team)
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
    ids = await _realm(team)
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
