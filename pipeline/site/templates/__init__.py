"""Package data of the site (templates); a package so that setuptools ships its files."""
