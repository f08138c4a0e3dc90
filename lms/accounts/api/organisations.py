"""JSON API of the beneficiaries and their institutions: listed for anyone (the registration
form offers them), added by administrators and by managers within their scope."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from lms.accounts import operations as ops
from lms.accounts.models import Beneficiary, Institution
from lms.accounts.schemas import (
    BeneficiarySchema,
    InstitutionInSchema,
    InstitutionNamesInSchema,
    InstitutionNamesSchema,
    InstitutionQuerySchema,
    InstitutionSchema,
)
from lms.core.api import api_blueprint, authenticated
from lms.extensions import db

blp = api_blueprint("organisations_api", __name__, "The six beneficiaries and their institutions.")


@blp.get("/beneficiaries")
@blp.response(200, BeneficiarySchema(many=True))
def list_beneficiaries():
    """The beneficiaries, by code (public)."""
    beneficiaries, _institutions = ops.beneficiaries_and_institutions(db.session)
    return beneficiaries


@blp.get("/institutions")
@blp.arguments(InstitutionQuerySchema, location="query")
@blp.response(200, InstitutionNamesSchema(many=True))
def list_institutions(args):
    """The institutions, by name; of one beneficiary with `beneficiary=<code>` (public). ``name`` is
    in the request's language; ``names`` holds every translation."""
    query = select(Institution).order_by(Institution.name, Institution.id)
    if args.get("beneficiary"):
        query = query.join(Beneficiary).where(Beneficiary.code == args["beneficiary"].upper())
    return db.session.scalars(query).all()


@blp.post("/institutions")
@authenticated
@blp.arguments(InstitutionInSchema)
@blp.response(201, InstitutionSchema)
@blp.alt_response(403, description="Not an administrator, or a beneficiary outside your scope as a manager.")
@blp.alt_response(409, description="The beneficiary already has an institution of this name.")
@blp.alt_response(422, description="No such beneficiary, or an empty or too long name.")
def create_institution(data):
    """Add an institution to a beneficiary (administrators; managers within their scope)."""
    return ops.create_institution(db.session, current_user, beneficiary_id=data["beneficiary_id"], name=data["name"])


@blp.put("/admin/institutions/<int:institution_id>/names")
@authenticated
@blp.arguments(InstitutionNamesInSchema)
@blp.response(200, InstitutionNamesSchema)
@blp.alt_response(403, description="Administrators, and the managers of the institution's beneficiary, only.")
@blp.alt_response(404, description="No such institution.")
@blp.alt_response(409, description="Someone changed the names since the version given.")
@blp.alt_response(422, description="An unknown language code or a name that is too long.")
def translate_institution(data, institution_id: int):
    """Set an institution's names in the other languages (English is its own name)."""
    institution = ops.institution_for_translation(db.session, current_user, institution_id)
    return ops.translate_institution(db.session, current_user, institution, data["names"], data["version"])
