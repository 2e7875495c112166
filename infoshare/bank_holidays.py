"""England and Wales bank holidays, from the ``holidays`` package, kept per year in the home.

``import holidays`` imports the calendars of every country it knows (about 300 modules, 1 s of
CPU on this project's machine), and each run's process computes deadlines: under a worker that
starts a new Python per run that second was paid by every execution of every request. The
dates it gives for England are therefore kept in ``$INFOSHARE_HOME/cache/bank-holidays.json``,
labelled with the package's version: a process finds them there, and imports ``holidays`` only
for a year not yet kept or after the package changed (an upgrade with new dates), then writes
the file again (this user's alone, replaced whole). A home that does not exist yet, or a file
that cannot be read or written, only costs the import.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import tempfile
from datetime import date
from pathlib import Path

from infoshare.files import home_dir

CACHE = Path("cache") / "bank-holidays.json"
COUNTRY, SUBDIVISION = "GB", "ENG"  # the same bank holidays apply in Wales
SPAN = 6  # years computed at once from the one asked for: an import serves years of deadlines


def package_version() -> str | None:
    """The installed ``holidays`` distribution's version, found without importing the package
    (its ``.dist-info`` beside it); None when unknown, and then nothing is kept."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    found = list(Path(spec.origin).parent.parent.glob("holidays-*.dist-info"))
    if len(found) != 1:
        return None
    return found[0].name.removeprefix("holidays-").removesuffix(".dist-info")


def computed(years: range) -> dict[int, frozenset[date]]:
    import holidays  # the whole package, every country's calendar: only on a cache miss

    found = holidays.country_holidays(COUNTRY, subdiv=SUBDIVISION, years=years)
    return {y: frozenset(d for d in found if d.year == y) for y in years}


def _read(path: Path, version: str) -> dict[str, list[str]]:
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        kept = json.loads(path.read_text())
        if kept.get("holidays") == version and kept.get("where") == f"{COUNTRY}-{SUBDIVISION}":
            return dict(kept["years"])
    return {}


def _write(path: Path, version: str, years: dict[str, list[str]]) -> None:
    body = {"holidays": version, "where": f"{COUNTRY}-{SUBDIVISION}", "years": years}
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".bank-holidays-")  # mode 0600
        try:
            with os.fdopen(fd, "w") as out:
                json.dump(body, out, sort_keys=True)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def bank_holidays(year: int, home: Path | None = None) -> frozenset[date]:
    """The bank holidays of ``year`` in England and Wales."""
    home = home_dir() if home is None else home
    version = package_version()
    if version is None or not home.is_dir():
        return computed(range(year, year + 1))[year]
    path = home / CACHE
    years = _read(path, version)
    if str(year) in years:
        return frozenset(date.fromisoformat(d) for d in years[str(year)])
    fresh = computed(range(year, year + SPAN))
    years.update({str(y): sorted(d.isoformat() for d in days) for y, days in fresh.items()})
    _write(path, version, years)
    return fresh[year]
