"""The realm of the dashboard and API tests, on the twin: two standups, seven kinds of person.

#team (public) holds Lena's standup and #secret (private) Ann's; Max manages both; Oli owns
the organisation, Nia is a member in neither channel, Gus a guest outside both, and Dee
(in #team) is deactivated by the tests that need it. Ann answered both on Monday.
"""

from __future__ import annotations

from service.fake_chat import BOT_ID
from service.harness import MONDAY, Team, utc
from zulip_standup.domain.chat import Channel, Person, Role

SECRET = Channel(7, "secret", invite_only=True)
MAX = Person(20, "Max Manager", "max@example.org", "Europe/Berlin", Role.MEMBER, False, True)
OLI = Person(21, "Oli Owner", "oli@example.org", "Europe/Berlin", Role.OWNER, False, True)
NIA = Person(22, "Nia Nobody", "nia@example.org", "Europe/Berlin", Role.MEMBER, False, True)
DEE = Person(23, "Dee Departed", "dee@example.org", "Europe/Berlin", Role.MEMBER, False, True)
ANN_TEAM = ["Reviewed the payments PR", "Ship <script>alert(1)</script> 2.4", "Waiting on VPN"]
ANN_SECRET = ["Drafted the reorg", "Talk to legal", "none"]


async def answered_realm(team: Team) -> dict[str, int]:
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


def person_in(team: Team, role: str) -> Person:
    named = {"admin": team.lena, "member": team.ann, "guest": team.gus}
    return ROLES[role] or named[role]
