"""Unchanged output files linked from the previous build instead of written again.

The build stamp records the key of every keyed file a build published (a lesson page, a
course's package): a digest of everything its bytes depend on. When the published output is
still as that build left it (every file's size, modification time and mode; see build_stamp),
a file whose key did not change is hard-linked from it into the staging folder: the same
bytes, without writing them (writing 5,000 pages cost a one-lesson rebuild more than
rendering the one that changed). Whatever cannot be linked is written, never left out.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Reuse:
    previous: Path | None = None  # the published output as the last build left it, if intact
    before: dict[str, str] = field(default_factory=dict)  # its files' keys, by relative path
    keys: dict[str, str] = field(default_factory=dict)  # this build's files' keys
    prefix: str = ""  # where the caller's paths sit in the output (`site/`)

    def under(self, folder: str) -> Reuse:
        """The same record, for a stage whose paths are relative to `folder`."""
        return Reuse(self.previous, self.before, self.keys, f"{self.prefix}{folder}/")

    def link(self, relative: str, key: str | None, target: Path) -> bool:
        """Record `key` as the key of the file at `relative`, and hard-link the previous
        build's file there if it had the same key. False: the caller writes the file."""
        if key is None:
            return False
        name = self.prefix + relative
        self.keys[name] = key
        if self.previous is None or self.before.get(name) != key:
            return False
        source = self.previous / name
        try:
            if not stat.S_ISREG(os.lstat(source).st_mode):  # only what a build wrote: a file
                return False
            os.link(source, target, follow_symlinks=False)
        except OSError:  # gone, another file system, links not allowed: write it
            return False
        return True
