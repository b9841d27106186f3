"""Package data of the site (static); a package so that setuptools ships its files."""
