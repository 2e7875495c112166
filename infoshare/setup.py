"""Setting up a partnership on this machine: store schema, registry, agency keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from infoshare import registry
from infoshare.store import Store, now_utc

KEY_VALIDITY = timedelta(days=2 * 365)


@dataclass(frozen=True)
class SetupReport:
    agencies: int
    people: int
    isas: int
    keys_created: list[str]


def initialise(store: Store, registry_file: Path = registry.DEMO_REGISTRY) -> SetupReport:
    """Load (or refresh) the registry and create key pairs for agencies that have none here.

    Safe to run again: existing keys are kept, registry entries are updated in place."""
    spec = registry.read_registry_file(registry_file)
    store.reindex_subjects()  # records written before the subject index existed
    with store.session() as s:
        registry.load_registry(s, spec)
    created = []
    now = now_utc()
    for agency in spec.agencies:
        if store.keys.has_keys(agency.id):
            continue
        infos = store.keys.generate(agency.id)
        with store.session() as s:
            registry.add_public_keys(s, infos, now - timedelta(minutes=5), now + KEY_VALIDITY)
        created.append(agency.id)
    return SetupReport(len(spec.agencies), len(spec.people), len(spec.isas), created)
