"""A small, realistic Vietnamese fixture site (static files) and the server that serves it: an official
provincial portal (RSS, Atom, sitemaps), a ward portal, an ad listing site and a forum with reposts."""
