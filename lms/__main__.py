"""``python -m lms``: the ``lms`` command, for processes started by ``lms serve``."""

from lms.cli import cli

cli()
