"""Signing in and out, registering, and setting a forgotten password."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from lms.accounts import operations as ops
from lms.accounts.forms import (
    EmptyForm,
    LoginForm,
    ProfileFields,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from lms.accounts.models import User
from lms.accounts.views.blueprint import bp
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _, current_language
from lms.core.unit_of_work import abandon
from lms.core.web import safe_next
from lms.extensions import db, limiter


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


# Accounts are opened from the page and from the API on one budget per address.
REGISTER_LIMIT = limiter.shared_limit("20 per hour", scope="register", methods=["POST"])


@bp.route("/register", methods=["GET", "POST"])
@REGISTER_LIMIT
def register():
    ops.require_open_registration()
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = RegistrationForm()
    if request.method == "GET":
        form.language.data = current_language()
    ProfileFields.fill(form, *ops.beneficiaries_and_institutions(db.session))
    if form.validate_on_submit():
        with errors_on(form):
            user = ops.register_trainee(
                db.session, email=form.email.data, password=form.password.data,
                full_name=form.full_name.data, beneficiary_id=form.beneficiary_id.data,
                institution_id=form.institution_id.data, profession=form.profession.data,
                gender=form.gender.data, language=form.language.data)
            login_user(user)
            flash(_("Welcome! Your account has been created."), "success")
            return redirect(url_for("courses.catalogue"))
    return render_template("accounts/register.html", form=form), status_of(form)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("5 per minute;30 per hour", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        ops.request_password_reset(db.session, form.email.data)
        flash(_("If an account exists for this address, we have sent it a link to choose a new password."),
              "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = ops.user_for_reset_token(db.session, token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with errors_on(form):
            ops.reset_password(db.session, token, form.password.data)
            login_user(user)
            flash(_("Your password has been set."), "success")
            return redirect(_home_for(user))
    return render_template("accounts/reset_password.html", form=form, user=user), status_of(form)


@bp.errorhandler(ops.InvalidResetLink)
def invalid_reset_link(error: ops.InvalidResetLink):
    """An expired, tampered or used password link: a page that offers a new one."""
    abandon()
    return render_template("accounts/reset_invalid.html", message=error.message), error.status
