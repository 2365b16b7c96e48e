"""``python -m localzulip`` runs the command line."""

import sys

from localzulip.cli import main

sys.exit(main())
