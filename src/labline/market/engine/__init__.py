"""Pure algorithms of the market domain: no database, web or command-line imports."""
