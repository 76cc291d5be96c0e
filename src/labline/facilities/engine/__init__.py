"""Pure algorithms of the facilities domain: no database, web or command-line imports."""
