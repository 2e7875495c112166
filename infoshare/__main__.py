"""``python -m infoshare``: the ``infoshare`` command (as ``infoshare up`` starts its parts)."""

from infoshare.cli import main

main()
