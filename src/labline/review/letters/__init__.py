"""Decision letters: drafting, rendering, issuing."""
