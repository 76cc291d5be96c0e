"""labline: from the lab to the production line."""

__version__ = "0.1.0"
