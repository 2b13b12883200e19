from __future__ import annotations

import sys

from corsguard.cli.main import main

sys.exit(main())
