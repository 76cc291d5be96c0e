"""HTML pages of the core, one file per sub-concept; each module has its own `router`."""
