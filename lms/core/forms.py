"""Helpers between operations' errors and WTForms."""

from __future__ import annotations

from lms.core.errors import GENERAL


def attach_errors(form, errors: dict) -> None:
    """Show an operation's ValidationFailed messages beside the fields they concern."""
    for name, messages in errors.items():
        field = getattr(form, name, None) if name != GENERAL else None
        texts = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + texts
        else:
            form.form_errors.extend(texts)
