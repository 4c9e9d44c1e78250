"""fowdesk: record progress on a council programme offline."""

__version__ = "0.1.0"
APP_NAME = "fowdesk"
