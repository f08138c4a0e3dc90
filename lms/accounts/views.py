"""Sign-in, registration, profile, passwords, API tokens, and user administration."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, or_, select

from lms.accounts import operations as ops
from lms.accounts.forms import (
    AdminUserForm,
    EmptyForm,
    InstitutionForm,
    LoginForm,
    PasswordChangeForm,
    ProfileFields,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
    TokenForm,
    UserSearchForm,
)
from lms.accounts.models import ApiToken, Beneficiary, Institution, User, UserRole
from lms.accounts.reference import ADMIN, ROLES
from lms.core import mail
from lms.core.errors import Conflict, ValidationFailed
from lms.core.forms import attach_errors
from lms.core.i18n import _, current_language
from lms.core.permissions import roles_required
from lms.core.web import safe_next
from lms.extensions import db, limiter

bp = Blueprint("accounts", __name__, template_folder="templates")


def _reference_lists():
    beneficiaries = list(db.session.scalars(select(Beneficiary).order_by(Beneficiary.code)))
    institutions = list(db.session.scalars(select(Institution).order_by(Institution.name)))
    return beneficiaries, institutions


def _home_for(user: User) -> str:
    if user.is_admin and not (user.is_tutor or user.is_manager or user.has_role("trainee")):
        return url_for("accounts.admin_users")
    return url_for("courses.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = ops.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), _home_for(user)))
        form.form_errors.append(_("The e-mail address or password is not correct."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("courses.catalogue"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if not current_app.config["LMS_REGISTRATION_OPEN"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = RegistrationForm()
    if request.method == "GET":
        form.language.data = current_language()
    ProfileFields.fill(form, *_reference_lists())
    if form.validate_on_submit():
        try:
            user = ops.register_trainee(
                db.session, email=form.email.data, password=form.password.data,
                full_name=form.full_name.data, beneficiary_id=form.beneficiary_id.data,
                institution_id=form.institution_id.data, profession=form.profession.data,
                gender=form.gender.data, language=form.language.data)
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Your account has been created."), "success")
            return redirect(url_for("courses.catalogue"))
    return render_template("accounts/register.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = current_user
    form = ProfileForm(obj=user if request.method == "GET" else None)
    ProfileFields.fill(form, *_reference_lists())
    if form.validate_on_submit():
        try:
            ops.update_profile(db.session, user, full_name=form.full_name.data,
                               beneficiary_id=form.beneficiary_id.data,
                               institution_id=form.institution_id.data, profession=form.profession.data,
                               gender=form.gender.data, language=form.language.data)
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.account"))
    tokens = list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                     .order_by(ApiToken.created_at.desc())))
    return render_template("accounts/account.html", form=form, password_form=PasswordChangeForm(),
                           token_form=TokenForm(), tokens=tokens, action_form=EmptyForm())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            ops.change_password(db.session, current_user, current=form.current_password.data,
                                new=form.new_password.data)
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the session carries the new auth version
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form)


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, plain = ops.create_api_token(db.session, current_user, form.name.data)
        except ValidationFailed as exc:
            db.session.rollback()
            for messages in exc.errors.values():
                for message in messages:
                    flash(message, "error")
        else:
            db.session.commit()
            return render_template("accounts/token_created.html", token=token, plain=plain)
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
    return redirect(url_for("accounts.account") + "#tokens")


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    form = EmptyForm()
    if form.validate_on_submit():
        ops.revoke_api_token(db.session, current_user, token_id)
        db.session.commit()
        flash(_("The token has been revoked."), "info")
    return redirect(url_for("accounts.account") + "#tokens")


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("5 per minute;30 per hour", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        ops.request_password_reset(db.session, form.email.data)
        db.session.commit()
        flash(_("If an account exists for this address, we have sent it a link to choose a new password."),
              "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = ops.user_for_reset_token(db.session, token)
    except ValidationFailed as exc:
        return render_template("accounts/reset_invalid.html", message=exc.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            ops.reset_password(db.session, token, form.password.data)
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your password has been set."), "success")
            return redirect(_home_for(user))
    return render_template("accounts/reset_password.html", form=form, user=user)


# --- administration --------------------------------------------------------------------

@bp.get("/admin/users")
@roles_required(ADMIN)
def admin_users():
    form = UserSearchForm(request.args)
    beneficiaries, _institutions = _reference_lists()
    form.role.choices = [("", _("Any role"))] + list(ROLES.items())
    form.beneficiary.choices = [("", _("Any beneficiary"))] + [(b.code, b.name) for b in beneficiaries]
    query = select(User).order_by(User.full_name, User.id)
    if form.q.data:
        pattern = f"%{form.q.data.strip().lower()}%"
        query = query.where(or_(func.lower(User.full_name).like(pattern), User.email.like(pattern)))
    if form.role.data in ROLES:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == form.role.data)))
    if form.beneficiary.data:
        query = query.join(Beneficiary, Beneficiary.id == User.beneficiary_id).where(
            Beneficiary.code == form.beneficiary.data)
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("accounts/admin_users.html", form=form, page=page)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def admin_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = AdminUserForm()
    beneficiaries, _institutions = _reference_lists()
    form.beneficiary_id.choices = [("", _("None"))] + [(str(b.id), b.name) for b in beneficiaries]
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.manager_scope.data = user.manager_scope or ""
        form.beneficiary_id.data = user.beneficiary_id
        form.active.data = user.is_active_account
    if form.validate_on_submit():
        try:
            ops.admin_update_user(db.session, current_user, user, roles=set(form.roles.data or []),
                                  manager_scope=form.manager_scope.data or None,
                                  beneficiary_id=form.beneficiary_id.data, active=form.active.data)
        except ValidationFailed as exc:
            db.session.rollback()
            user = db.session.get(User, user_id)
            attach_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("The account has been updated."), "success")
            return redirect(url_for("accounts.admin_user", user_id=user.id))
    return render_template("accounts/admin_user.html", form=form, user=user)


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
@roles_required(ADMIN, "manager")
def institutions():
    beneficiaries, all_institutions = _reference_lists()
    scope = current_user.managed_beneficiary_ids() if not current_user.is_admin else None
    if scope is not None:
        beneficiaries = [b for b in beneficiaries if b.id in scope]
        all_institutions = [i for i in all_institutions if i.beneficiary_id in scope]
    form = InstitutionForm()
    form.beneficiary_id.choices = [(str(b.id), b.name) for b in beneficiaries]
    if form.validate_on_submit():
        try:
            ops.create_institution(db.session, current_user, beneficiary_id=form.beneficiary_id.data,
                                   name=form.name.data)
        except (ValidationFailed, Conflict) as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("The institution has been added."), "success")
            return redirect(url_for("accounts.institutions"))
    grouped = {b: [i for i in all_institutions if i.beneficiary_id == b.id] for b in beneficiaries}
    return render_template("accounts/institutions.html", form=form, grouped=grouped)
