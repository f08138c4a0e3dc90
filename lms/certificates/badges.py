"""Open Badges 2.0, hosted verification: each certificate is also a badge assertion.

The platform is the Issuer; every course is a BadgeClass; every certificate is an
Assertion at ``/badges/assertions/<code>.json`` naming its recipient by a salted hash of
their e-mail address. A revoked assertion answers 410 Gone with ``revoked: true`` and the
reason, as hosted verification expects. A certificate with a validity period carries its
``expires`` date; past it, the assertion is expired (not revoked) and verifiers say so. The assertion's address holds the verification
code, so it is rate-limited like the verification page.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from lms.certificates import operations as ops
from lms.certificates.files import verification_url
from lms.certificates.limits import limit_lookups
from lms.certificates.models import KINDS, Certificate
from lms.core.errors import NotFound
from lms.core.i18n import LANGUAGES, _, use_language
from lms.core.urls import absolute_url
from lms.courses.models import Course
from lms.extensions import db

CONTEXT = "https://w3id.org/openbadges/v2"
BADGE_IMAGE = "badge.svg"

bp = Blueprint("badges", __name__, url_prefix="/badges", static_folder="static")


def issuer_url() -> str:
    return absolute_url("badges.issuer")


def badge_class_url(course: Course, language: str | None = None) -> str:
    """The course's badge; in one language (a certificate's) when ``language`` is given."""
    if language and language != course.default_language and language in LANGUAGES:
        return absolute_url("badges.badge_class_in", slug=course.slug, language=language)
    return absolute_url("badges.badge_class", slug=course.slug)


def assertion_url(certificate: Certificate) -> str:
    return absolute_url("badges.assertion", code=certificate.code)


def issuer_document() -> dict:
    config = current_app.config
    document = {
        "@context": CONTEXT, "type": "Issuer", "id": issuer_url(),
        "name": config["LMS_ISSUER_NAME"], "url": config["LMS_ISSUER_URL"] or config["LMS_BASE_URL"],
    }
    if config["LMS_ISSUER_EMAIL"]:
        document["email"] = config["LMS_ISSUER_EMAIL"]
    return document


def badge_class_document(course: Course, language: str | None = None) -> dict:
    """The course as a badge, described in ``language`` (a certificate's), else the course's own."""
    language = language if language in LANGUAGES else course.default_language
    kind = "completion" if course.is_tutored else "accomplishment"
    with use_language(language):
        name = _("{kind}: {course}").format(kind=KINDS[kind], course=course.title_in(language))
        description = course.summary_in(language) or name
        if course.is_tutored:
            criteria = _("Complete every requirement of the tutored course in a group guided by a HELP "
                         "tutor: the lessons, the assessments and the case-study work the tutor accepts.")
        else:
            criteria = _("Complete every requirement of the self-paced course: its lessons and assessments.")
    return {
        "@context": CONTEXT, "type": "BadgeClass", "id": badge_class_url(course, language),
        "name": name, "description": description,
        "image": absolute_url("badges.static", filename=BADGE_IMAGE),
        "criteria": {"id": absolute_url("courses.course", slug=course.slug), "narrative": criteria},
        "issuer": issuer_url(),
    }


def assertion_document(certificate: Certificate) -> dict:
    document = {
        "@context": CONTEXT, "type": "Assertion", "id": assertion_url(certificate),
        "recipient": {"type": "email", "hashed": True, "salt": certificate.badge_salt,
                      "identity": certificate.badge_identity},
        "badge": badge_class_url(certificate.course, certificate.language),
        "verification": {"type": "HostedBadge"},
        "issuedOn": certificate.issued_at.isoformat(),
        "evidence": verification_url(certificate.code),
    }
    if certificate.expires_at is not None:
        document["expires"] = certificate.expires_at.isoformat()
    if certificate.is_revoked:
        document["revoked"] = True
        document["revocationReason"] = certificate.revocation_reason
    return document


def _json(document: dict, status: int = 200):
    response = jsonify(document)
    response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/issuer.json")
def issuer():
    return _json(issuer_document())


@bp.get("/classes/<slug>.json")
def badge_class(slug: str):
    course = db.session.scalar(db.select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound()
    return _json(badge_class_document(course))


@bp.get("/classes/<slug>/<language>.json")
def badge_class_in(slug: str, language: str):
    """The badge in one of the course's languages (a certificate's badge names this one)."""
    course = db.session.scalar(db.select(Course).where(Course.slug == slug))
    if course is None or language not in LANGUAGES or not course.offers(language):
        raise NotFound()
    return _json(badge_class_document(course, language))


@bp.get("/assertions/<code>.json")
@limit_lookups
def assertion(code: str):
    certificate = ops.certificate_by_code(db.session, code)
    document = assertion_document(certificate)
    if certificate.is_revoked:
        # Hosted verification: a revoked assertion is gone, and says why.
        return _json({"@context": CONTEXT, "type": "Assertion", "id": document["id"], "revoked": True,
                      "revocationReason": certificate.revocation_reason}, 410)
    return _json(document)

