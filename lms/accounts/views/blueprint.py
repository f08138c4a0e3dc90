"""The blueprint of every HTML page of accounts (endpoints ``accounts.*``)."""

from __future__ import annotations

from flask import Blueprint

# Named after the feature's package, so that its templates are lms/accounts/templates.
bp = Blueprint("accounts", "lms.accounts", template_folder="templates")
