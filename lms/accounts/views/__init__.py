"""The HTML door of accounts, one module per resource: ``sign_in`` (signing in and out,
registering, forgotten passwords), ``account`` (one's own profile, password and API
tokens), ``administration`` (users, institutions, the e-mail outbox). Their routes share
one blueprint, ``accounts`` (``blueprint.py``)."""

from lms.accounts.views import account, administration, sign_in  # noqa: F401  (routes join bp)
from lms.accounts.views.blueprint import bp

__all__ = ["bp"]
