"""Pure algorithms of the review domain: no database, web or command-line imports."""
