"""Flask's signed-cookie session, without the work every request redid for the same cookie.

A browser sends the same session cookie on every request until the session changes (sessions
are not permanent, so Flask does not sign them anew on each response). Flask built a new
serializer per request and verified the signature and decoded the payload each time. Here the
serializer is built once per set of keys, and a cookie that verified is kept with its data and
the time it was signed: the next request with the same cookie checks its age against the
lifetime, as ``loads(max_age=…)`` does, and takes a deep copy of the data (a request may change
what it reads, e.g. the flashed messages' list). A cookie not kept is verified in full; a
tampered one never verifies, so it is never kept. Changing the secret key or its fallbacks
starts a new cache.
"""

from __future__ import annotations

import copy
import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

KEPT = 4096   # cookies kept per worker; the cache starts afresh when full


class KeptCookieSessions(SecureCookieSessionInterface):

    def __init__(self):
        self._keys: tuple | None = None
        self._serializer: URLSafeTimedSerializer | None = None
        self._verified: dict[str, tuple[dict, int]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys != self._keys:
            self._serializer = super().get_signing_serializer(app)
            self._keys, self._verified = keys, {}
        return self._serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = self._verified.get(value)
        if kept is None:
            try:
                data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if len(self._verified) >= KEPT:
                self._verified = {}
            kept = self._verified[value] = (data, int(signed_at.timestamp()))
        else:
            age = now() - kept[1]
            if age > max_age or age < 0:   # expired since it was kept (or a clock gone back)
                del self._verified[value]
                return self.session_class()
        return self.session_class(copy.deepcopy(kept[0]))


def now() -> float:
    return int(time.time())   # whole seconds, as itsdangerous stamps and compares them
