"""Links from documents to labline's own records, and from records to documents."""
