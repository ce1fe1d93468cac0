"""``python -m dexcore``: the same as the ``dexcore`` command."""

from __future__ import annotations

import sys

from dexcore.cli import main

sys.exit(main())
