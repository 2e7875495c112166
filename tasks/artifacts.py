"""Artifacts people watch in the Prefect UI (dashboards, case views): a new version only when
what they show changed."""

from __future__ import annotations

from prefect.artifacts import create_markdown_artifact
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import ArtifactCollectionFilter, ArtifactCollectionFilterKey

from infoshare import enquiries
from infoshare.store import default_store


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


def show_case(ref: str) -> str:
    """Publish the case view (a new version only when it changed); returns its status.

    Two agencies' runs that record at the same moment each publish it: one's view, read before
    the other's record, could land last and show the enquiry OPEN after it closed. So the view
    is read again after publishing, and published again until it stands (twice at most)."""
    store = default_store()
    view = enquiries.case_view(store, ref)
    markdown = enquiries.case_markdown(view)
    with get_client(sync_client=True) as client:
        for _ in range(3):
            publish_if_changed(
                client,
                f"enquiry-{ref.lower()}",
                markdown,
                f"Enquiry {ref}: each agency's step, due time, RAG and decision (no personal data)",
            )
            view = enquiries.case_view(store, ref)
            fresh = enquiries.case_markdown(view)
            if fresh == markdown:
                break
            markdown = fresh
    return str(view["status"])
