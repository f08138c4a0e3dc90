"""Demo accounts for embedded mode: random passwords kept in the instance folder, never in git."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import Institution, User, UserRole
from lms.accounts.operations import beneficiary_by_code, find_user_by_email, hash_password
from lms.accounts.reference import ADMIN, MANAGER, NATIONAL, REGIONAL, TRAINEE, TUTOR
from lms.core.extension_points import ExtensionPoint

# email, full name, roles, beneficiary, institution, profession, language, manager scope, note
DEMO_ACCOUNTS = [
    ("trainee@demo.lms", "Jelena Marković", [TRAINEE], "RS",
     "Correctional Institution Sremska Mitrovica", "prison_officer", "sr_Latn", None,
     "trainee (Serbia, Serbian Latin)"),
    ("trainee.al@demo.lms", "Arben Hoxha", [TRAINEE], "AL",
     "Probation Service of Albania", "probation_officer", "sq", None, "trainee (Albania, Albanian)"),
    ("tutor@demo.lms", "Dragana Petrović", [TUTOR], "RS",
     "Administration for the Enforcement of Criminal Sanctions", "psychologist", "sr_Latn", None,
     "HELP tutor (Serbia)"),
    ("manager@demo.lms", "Elena Stojanovska", [MANAGER], "MK", None, "other", "en", REGIONAL,
     "regional programme manager"),
    ("manager.al@demo.lms", "Blerina Kola", [MANAGER], "AL", None, "prison_manager", "sq", NATIONAL,
     "national programme manager (Albania)"),
    ("admin@demo.lms", "Platform Administrator", [ADMIN], None, None, None, "en", None, "administrator"),
]


# Features add demo data (a cohort for the demo tutor, say) after the demo accounts exist:
# maker(session) -> list of lines to print. Each must be safe to run again.
DEMO_DATA: ExtensionPoint[Callable] = ExtensionPoint("accounts.demo_data")


def run_demo_hooks(session) -> list[str]:
    lines = []
    for make in DEMO_DATA:
        lines.extend(make(session) or [])
    return lines


def _password_file() -> Path:
    return Path(current_app.instance_path) / "demo-accounts.json"


def ensure_demo_accounts(session: Session) -> list[dict]:
    """Create any missing demo account; return every demo account with its password."""
    path = _password_file()
    passwords = json.loads(path.read_text()) if path.exists() else {}
    accounts = []
    for email, name, roles, code, institution_name, profession, language, scope, note in DEMO_ACCOUNTS:
        user = find_user_by_email(session, email)
        if user is None:
            beneficiary = beneficiary_by_code(session, code) if code else None
            institution = session.scalar(select(Institution).where(
                Institution.name == institution_name,
                Institution.beneficiary_id == beneficiary.id)) if (beneficiary and institution_name) else None
            password = passwords.get(email) or secrets.token_urlsafe(9)
            passwords[email] = password
            user = User(email=email, full_name=name, password_hash=hash_password(password),
                        beneficiary=beneficiary, institution=institution, profession=profession,
                        language=language, manager_scope=scope,
                        role_rows=[UserRole(role=role) for role in roles])
            session.add(user)
        accounts.append({"email": email, "password": passwords.get(email, "(set before; see instance/)"),
                         "note": note})
    session.flush()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(passwords, handle, indent=2)
    return accounts


def print_demo_accounts(accounts: list[dict]) -> None:
    click.echo("\nDemo accounts (passwords are random and kept in instance/demo-accounts.json):")
    width = max(len(a["email"]) for a in accounts)
    for account in accounts:
        click.echo(f"  {account['email']:<{width}}  {account['password']:<14}  {account['note']}")
    click.echo("")
