"""The ``lms`` console script: Flask's CLI bound to the application factory."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from lms import create_app


def _create_app(*_args, **_kwargs):
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, help="HELP course platform.")
def cli():
    """Manage the HELP course platform."""
