"""Permission helpers shared by views and API handlers."""

from __future__ import annotations

from functools import wraps

from flask_login import current_user

from lms.core.errors import NotAllowed, NotFound


def require(allowed: bool, *, hide: bool = False) -> None:
    """Refuse unless ``allowed``; ``hide`` answers 404 where existence itself is private."""
    if not allowed:
        raise NotFound() if hide else NotAllowed()


def roles_required(*roles: str):
    """View decorator: signed in and holding one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from lms.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            require(any(current_user.has_role(role) for role in roles))
            return view(*args, **kwargs)

        return wrapped

    return decorator
