"""Searching the directory: organisations and research teams."""
