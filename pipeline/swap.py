"""Swapping two folders in one atomic step, so a reader (or a crash) never sees half of either.

Linux has had `renameat2(..., RENAME_EXCHANGE)` since 3.15: both names stay valid throughout and
trade places at once. Python's `os` does not expose it, so it is called through ctypes; where it
is missing (another system, an old kernel, a file system without it) `exchange` says so and the
caller falls back to plain renames.
"""

from __future__ import annotations

import ctypes
import errno
import os
from functools import cache
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 1 << 1
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP}


@cache
def _renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # no C library to load, or one without renameat2
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Swap what the two paths name, atomically; False (nothing done) where that is unsupported.

    Any other failure (a path missing, no permission) raises OSError.
    """
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    names = os.fsencode(first), os.fsencode(second)
    if renameat2(_AT_FDCWD, names[0], _AT_FDCWD, names[1], _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
