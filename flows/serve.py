"""Serve infoshare's deployments from this process (the embedded default).

Production declares the same deployments in prefect.yaml for ``prefect deploy --all`` and
process workers; this is the one-machine equivalent used by ``infoshare up`` and the tests.
"""

from __future__ import annotations

import os
from typing import cast

from prefect import serve
from prefect.deployments.runner import RunnerDeployment

from flows.share_request import share_request


def main() -> None:
    limit = int(os.environ.get("INFOSHARE_SERVE_LIMIT", "8"))
    deployment = cast(
        RunnerDeployment,
        share_request.to_deployment(
            name="share-request",
            tags=["infoshare"],
        ),
    )
    serve(
        deployment,
        limit=limit,
        print_starting_message=True,
    )


if __name__ == "__main__":
    main()
