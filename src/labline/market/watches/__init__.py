"""Watches: saved searches and followed needs or fields, and the inbox they fill."""
