"""Artifacts people watch in the Prefect UI (dashboards, case views): a new version only when
what they show changed."""

from __future__ import annotations

from prefect.artifacts import create_markdown_artifact
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.filters import ArtifactCollectionFilter, ArtifactCollectionFilterKey


def publish_if_changed(
    client: SyncPrefectClient, key: str, markdown: str, description: str
) -> bool:
    """A new version of the artifact ``key`` only when its content changed: a version a
    minute would bury the history."""
    latest = client.read_latest_artifacts(
        artifact_filter=ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(any_=[key]))
    )
    if latest and latest[0].data == markdown:
        return False
    create_markdown_artifact(key=key, markdown=markdown, description=description)
    return True
