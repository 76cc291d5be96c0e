"""Growth accounting: TFP levels and the sources of growth from a PWT-style table."""
