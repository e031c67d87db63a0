"""Broadsheet: a news publishing and archive server that speaks the WordPress REST API."""

__version__ = "0.1.0"
