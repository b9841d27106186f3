"""Enki insight lessons in; validated, oracle-checked cards out (JSON, Anki, static site)."""

__version__ = "0.1.0"
