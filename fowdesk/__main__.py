"""Allow ``python -m fowdesk``."""

from fowdesk.cli import main

raise SystemExit(main())
