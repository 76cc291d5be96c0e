"""Proposal documents: uploads, versions, downloads."""
