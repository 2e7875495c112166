"""Who may read infoshare's files on this machine: its user alone.

``INFOSHARE_HOME`` holds the store (sealed personal data, decision records), the keys and the
logs; the embedded Prefect home (``$INFOSHARE_HOME/prefect``) holds Prefect's database, whose
run parameters hold a request until intake redacts them. Both are tightened at every start
(``infoshare init``, ``infoshare db upgrade``, ``infoshare up``, ``flows.serve``), a home made
earlier with a looser mode (0755) included: directories 0700, files 0600. Processes started
from ``infoshare up`` run with umask 077, so what they create later is the same.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path

PRIVATE_UMASK = 0o077


def home_dir(env: Mapping[str, str] | None = None) -> Path:
    """``INFOSHARE_HOME`` (default ``~/.infoshare``) as the environment gives it."""
    env = os.environ if env is None else env
    return Path(env.get("INFOSHARE_HOME") or Path.home() / ".infoshare").expanduser()


def tighten(*homes: Path) -> list[Path]:
    """Make each home (and everything in it, symlinks not followed) readable by this user
    only: directories 0700, files 0600. Returns the paths whose mode changed. A path that
    vanishes meanwhile, or belongs to someone else, is left alone."""
    changed: list[Path] = []
    for home in homes:
        if not home.is_dir() or home.is_symlink():
            continue
        for path in [home, *home.rglob("*")]:
            with contextlib.suppress(FileNotFoundError, PermissionError):
                st = path.lstat()
                if stat.S_ISLNK(st.st_mode) or st.st_uid != os.getuid():
                    continue
                mode = stat.S_IMODE(st.st_mode)
                is_dir = stat.S_ISDIR(st.st_mode)
                wanted = 0o700 if is_dir else (mode & 0o700) | 0o600
                if mode != wanted:
                    path.chmod(wanted)
                    changed.append(path)
    return changed


def private_umask() -> int:
    """From now on, files this process (and its children) create are its user's alone."""
    return os.umask(PRIVATE_UMASK)
