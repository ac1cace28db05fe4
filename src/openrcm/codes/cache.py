"""The on-disk cache of built code-set indexes, keyed by the versions of their sources.

Indexes are plain dicts, lists, strings, bytes and numbers written with `marshal`: it
loads tens of megabytes in a fraction of a second and, unlike pickle, cannot run code.
A cache file is written atomically (temporary file, then rename); one that cannot be read
(another Python version, a truncated write) is rebuilt.
"""

from __future__ import annotations

import gc
import logging
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """`<user cache dir>/openrcm/codes` (platformdirs)."""
    return Path(platformdirs.user_cache_dir("openrcm", appauthor=False)) / "codes"


def read_cache(path: Path) -> Any | None:
    """The cached value, or None when the file is missing or unreadable."""
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("ignoring unreadable code-set cache %s: %s", path, exc)
        return None
    enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of new objects: collection would only slow this
    try:
        return marshal.loads(blob)
    except FileNotFoundError:
        return None
    except (EOFError, ValueError, TypeError) as exc:
        log.warning("ignoring unreadable code-set cache %s: %s", path, exc)
        return None
    finally:
        if enabled:
            gc.enable()


def write_cache(path: Path, value: Any) -> None:
    """Write atomically; a cache that cannot be written is only logged."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            marshal.dump(value, handle)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not write code-set cache %s: %s", path, exc)
