"""What Prefect may keep of a run's results on disk: nothing with values in it.

Prefect 3.9.1 pickles the exception of every failed flow run into its result storage
(``$PREFECT_HOME/storage``), whatever ``persist_result`` says, and an exception can quote what
was typed (a validation error holds its input). Every infoshare flow therefore serialises its
results with :data:`NO_VALUES`: an exception is kept as its type's name only (what went wrong
is in the run's state message, written without values, and in infoshare's own record); other
results (references and non-personal facts, see ``tasks``) are kept as Prefect would.
"""

from __future__ import annotations

from typing import Any

from prefect.serializers import PickleSerializer
from pydantic import Field


class WithheldError(Exception):
    """Stands in, in Prefect's result storage, for the exception a run failed with."""


class NoValuesSerializer(PickleSerializer[Any]):
    type: str = Field(default="infoshare-no-values", frozen=True)

    def dumps(self, obj: Any) -> bytes:
        if isinstance(obj, BaseException):
            obj = WithheldError(
                f"{type(obj).__name__} (its details are not kept in Prefect's result storage)"
            )
        return super().dumps(obj)


NO_VALUES = NoValuesSerializer()
