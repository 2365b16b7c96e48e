"""``python -m zulip_standup`` runs the command line."""

from zulip_standup.cli import main

main()
