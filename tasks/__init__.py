"""Thin Prefect task wrappers, one module per step of a share request.

Every task takes and returns references and non-personal facts only: task results and logs
never carry a name, a date of birth or disclosed content. The work itself is in
``infoshare.steps``.
"""
