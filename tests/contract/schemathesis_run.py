"""The API against its own OpenAPI document, with Schemathesis, as a trainee, a tutor, a
manager and an administrator of the demo data.

    .venv/bin/python -m tests.contract.schemathesis_run [--examples N] [--seed S]

Each role starts from a fresh copy of the same database (``lms setup`` with the demo
accounts and their demo group). For every operation of ``/api/v1/openapi.json`` Schemathesis
generates valid requests and invalid ones (negative data) and checks each answer: no server error (5xx), a
documented status code, a documented content type, a body that matches the documented
schema (for invalid requests, a 405 from a path that became another route's is not counted).
Any failure is printed with the request that caused it, and the exit status is 1.

Left out: revoking one's own API token (``DELETE /me/tokens/{id}``), which would sign the
run itself out part-way. ``--examples`` bounds the run (default 25 of each kind per operation
and role).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

ROLES = {
    "trainee": "trainee@demo.lms",
    "tutor": "tutor@demo.lms",
    "manager": "manager@demo.lms",
    "admin": "admin@demo.lms",
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
LEFT_OUT = {("DELETE", "/api/v1/me/tokens/{token_id}")}
PROJECT = Path(__file__).resolve().parents[2]


def _config(instance: Path) -> dict:
    return {
        "TESTING": False,
        "SECRET_KEY": "schemathesis-run",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'lms.sqlite'}",
        "RATELIMIT_ENABLED": False,
    }


def _app(instance: Path):
    from lms import create_app

    os.environ["LMS_INSTANCE_PATH"] = str(instance)  # the secret key, uploads, demo passwords
    return create_app(_config(instance))


def prepare(instance: Path) -> None:
    """A database as ``lms setup`` leaves it, with the demo accounts and their group."""
    app = _app(instance)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["setup", "--content", str(PROJECT / "content"), "--demo"])
    if result.exit_code != 0:
        raise SystemExit(f"lms setup failed:\n{result.output}\n{result.exception!r}")


def tokens(app) -> dict[str, str]:
    from lms.accounts.operations import create_api_token, find_user_by_email
    from lms.extensions import db

    made = {}
    with app.app_context():
        for role, email in ROLES.items():
            user = find_user_by_email(db.session, email)
            _row, made[role] = create_api_token(db.session, user, "schemathesis")
        db.session.commit()
    return made


def run_role(role: str, base: Path, examples: int, chosen_seed: int) -> list[str]:
    instance = Path(tempfile.mkdtemp(prefix=f"lms-contract-{role}-"))
    try:
        shutil.copytree(base, instance, dirs_exist_ok=True)
        app = _app(instance)
        token = tokens(app)[role]
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        failures: list[str] = []
        statuses: Counter = Counter()
        for result in schema.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in LEFT_OUT:
                continue
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures.extend(_run_operation(operation, mode, token, examples, chosen_seed, statuses))
        print(f"  {role}: answers by status {dict(sorted(statuses.items()))}", flush=True)
        return failures
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def _run_operation(operation, mode, token: str, examples: int, chosen_seed: int, statuses: Counter) -> list[str]:
    """``examples`` requests: valid ones (positive) or ones the document says are invalid (negative)."""
    found: dict[str, str] = {}
    # The contract is about content: the WSGI client does not undo gzip, so none is asked for.
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}

    @seed(chosen_seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (FailureGroup, AssertionError) as failure:  # each is reported, the run goes on
            for one in getattr(failure, "exceptions", [failure]):
                if mode is GenerationMode.NEGATIVE and response.status_code == 405:
                    # An invalid path value can make the path another route's (`/cohorts/join`
                    # for `/cohorts/{cohort_id}`): routing answers 405, not this operation.
                    continue
                key = f"{type(one).__name__}: {one}"
                found.setdefault(key, f"{operation.method.upper()} {operation.path} -> {response.status_code}\n"
                                      f"{one}\n{response.text[:300]}")

    # Unsatisfiable: no invalid request can be made for this operation (nothing it takes can be wrong).
    with contextlib.suppress(Unsatisfiable):
        check()
    return list(found.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="requests per operation and role")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated: " + ", ".join(ROLES))
    args = parser.parse_args(argv)
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="lms-contract-base-"))
    failures: dict[str, list[str]] = {}
    try:
        prepare(base)
        for role in args.roles.split(","):
            failures[role] = run_role(role, base, args.examples, args.seed)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    total = sum(len(found) for found in failures.values())
    for role, found in failures.items():
        for failure in found:
            print(f"\n--- {role}: {failure}")
    print(f"\nSchemathesis: {total} distinct failure(s) for {len(failures)} role(s), "
          f"{args.examples} examples per operation, in {time.monotonic() - started:.0f} s.")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
