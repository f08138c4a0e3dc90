"""Administration: finding and changing users, institutions, the e-mail outbox."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.accounts import operations as ops
from lms.accounts.forms import (
    AdminUserForm,
    EmptyForm,
    InstitutionForm,
    InstitutionNamesForm,
    NewUserForm,
    ProfileFields,
    UserSearchForm,
)
from lms.accounts.models import User
from lms.accounts.operations.institution_names import TRANSLATED as TRANSLATED_NAMES
from lms.accounts.reference import ADMIN, MANAGER, ROLES
from lms.accounts.views.blueprint import bp
from lms.core import mail
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _, current_language
from lms.core.permissions import roles_required
from lms.core.web import footnote_for
from lms.extensions import db


@bp.get("/admin/users")
@roles_required(ADMIN)
def admin_users():
    form = UserSearchForm(request.args)
    beneficiaries, _institutions = ops.beneficiaries_and_institutions(db.session)
    form.role.choices = [("", _("Any role"))] + list(ROLES.items())
    form.beneficiary.choices = [("", _("Any beneficiary"))] + [(b.code, b.name) for b in footnote_for(beneficiaries)]
    query = ops.find_users(text=form.q.data, role=form.role.data, beneficiary=form.beneficiary.data)
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("accounts/admin_users.html", form=form, page=page)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_user():
    """Open an account with its roles; its owner is e-mailed a link to choose a password."""
    form = NewUserForm()
    ProfileFields.fill(form, *ops.beneficiaries_and_institutions(db.session))
    if request.method == "GET":
        form.language.data = current_language()
    if form.validate_on_submit():
        with errors_on(form):
            user = ops.admin_create_user(
                db.session, current_user, email=form.email.data, full_name=form.full_name.data,
                roles=set(form.roles.data or []), manager_scope=form.manager_scope.data or None,
                beneficiary_id=form.beneficiary_id.data, institution_id=form.institution_id.data,
                profession=form.profession.data or None, gender=form.gender.data or None,
                language=form.language.data)
            flash(_("The account has been opened. Its owner has been e-mailed a link to choose a password."),
                  "success")
            return redirect(url_for("accounts.admin_user", user_id=user.id))
    return render_template("accounts/admin_user_new.html", form=form), status_of(form)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def admin_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = AdminUserForm()
    beneficiaries, _institutions = ops.beneficiaries_and_institutions(db.session)
    form.beneficiary_id.choices = [("", _("None"))] + [(str(b.id), b.name) for b in footnote_for(beneficiaries)]
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.manager_scope.data = user.manager_scope or ""
        form.beneficiary_id.data = user.beneficiary_id
        form.active.data = user.is_active_account
    if form.validate_on_submit():
        with errors_on(form):  # refused: the page shows the account as it is saved
            ops.admin_update_user(db.session, current_user, user, roles=set(form.roles.data or []),
                                  manager_scope=form.manager_scope.data or None,
                                  beneficiary_id=form.beneficiary_id.data, active=form.active.data)
            flash(_("The account has been updated."), "success")
            return redirect(url_for("accounts.admin_user", user_id=user.id))
    return render_template("accounts/admin_user.html", form=form, user=user, action_form=EmptyForm(),
                           sessions=ops.active_sessions(db.session, user)), status_of(form)


@bp.post("/admin/users/<int:user_id>/sign-out")
@roles_required(ADMIN)
def sign_out_everywhere(user_id: int):
    """End every session of the user (a lost phone, a shared computer); their tokens stay."""
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    ops.sign_out_everywhere(db.session, current_user, user)
    flash(_("{name} has been signed out everywhere.").format(name=user.full_name), "success")
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.get("/admin/mail")
@roles_required(ADMIN)
def admin_mail():
    """E-mail that could not be sent yet, or not at all: what failed, and when it is tried again."""
    return render_template("accounts/admin_mail.html", rows=mail.troubled_mail(db.session), form=EmptyForm())


@bp.post("/admin/mail/<int:mail_id>/retry")
@roles_required(ADMIN)
def retry_mail(mail_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    mail.retry_mail(db.session, db.get_or_404(mail.OutboxMail, mail_id))
    flash(_("The e-mail will be sent again now."), "success")
    return redirect(url_for("accounts.admin_mail"))


@bp.route("/admin/institutions", methods=["GET", "POST"])
@roles_required(ADMIN, MANAGER)
def institutions():
    beneficiaries, all_institutions = ops.beneficiaries_and_institutions(db.session)
    beneficiaries = [b for b in beneficiaries if b.can_be_managed_by(current_user)]
    form = InstitutionForm()
    form.beneficiary_id.choices = [(str(b.id), b.name) for b in footnote_for(beneficiaries)]
    if form.validate_on_submit():
        with errors_on(form):
            ops.create_institution(db.session, current_user, beneficiary_id=form.beneficiary_id.data,
                                   name=form.name.data)
            flash(_("The institution has been added."), "success")
            return redirect(url_for("accounts.institutions"))
    grouped = {b: [i for i in all_institutions if i.beneficiary_id == b.id] for b in beneficiaries}
    return render_template("accounts/institutions.html", form=form, grouped=grouped), status_of(form)


@bp.route("/admin/institutions/<int:institution_id>", methods=["GET", "POST"])
@roles_required(ADMIN, MANAGER)
def institution_names(institution_id: int):
    """An institution's name in every language (registration, statistics and exports show it)."""
    institution = ops.institution_for_translation(db.session, current_user, institution_id)
    footnote_for([institution.beneficiary])
    form = InstitutionNamesForm(data={"version": institution.version, **(institution.names or {})})
    if form.validate_on_submit():
        with errors_on(form):
            ops.translate_institution(db.session, current_user, institution,
                                      {code: form[code].data for code in TRANSLATED_NAMES},
                                      form.version_read())
            flash(_("The institution's names have been saved."), "success")
            return redirect(url_for("accounts.institutions"))
    return render_template("accounts/institution_names.html", form=form, institution=institution,
                           languages=TRANSLATED_NAMES), status_of(form)
