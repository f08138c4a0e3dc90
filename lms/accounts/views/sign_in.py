"""Signing in and out, registering, and setting a forgotten password."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from lms.accounts import operations as ops
from lms.accounts.authentication import sign_in_browser
from lms.accounts.forms import (
    EmptyForm,
    LoginForm,
    ProfileFields,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from lms.accounts.models import User
from lms.accounts.tasks import tell_locked_out
from lms.accounts.views.blueprint import bp
from lms.core.forms import errors_on, status_of
from lms.core.i18n import SESSION_KEY, _, current_language, use_language
from lms.core.tasks import enqueue
from lms.core.unit_of_work import abandon
from lms.core.web import safe_next
from lms.extensions import db, limiter


def _home_for(user: User) -> str:
    if user.is_admin and not (user.is_tutor or user.is_manager or user.has_role("trainee")):
        return url_for("accounts.admin_users")
    return url_for("courses.dashboard")


def _account_key() -> str:
    """Rate limits per account: the address the form names, whoever sends it from wherever."""
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def _locked_out(what: str):
    def tell(_limit) -> None:
        # Queued now, not after the commit: the refused request commits nothing.
        try:
            enqueue(tell_locked_out, (request.form.get("email") or "")[:254], what)
        except Exception:  # the queue is unreachable: the refusal still stands
            current_app.logger.warning("Could not queue a lock-out notice", exc_info=True)
    return tell


def _failed_sign_in(response) -> bool:
    return response.status_code != 302  # a successful sign-in redirects


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
@limiter.limit(lambda: current_app.config["LMS_SIGNIN_ACCOUNT_LIMIT"], key_func=_account_key,
               methods=["POST"], deduct_when=_failed_sign_in, on_breach=_locked_out("sign_in"))
def login():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = ops.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            sign_in_browser(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), _home_for(user)))
        form.form_errors.append(_("The e-mail address or password is not correct."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        if current_user.is_authenticated and g.get("user_session_id"):
            ops.end_session(db.session, current_user, g.user_session_id)
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
            # The same answer whether or not the address already had an account.
            ops.register_trainee(
                db.session, email=form.email.data, password=form.password.data,
                full_name=form.full_name.data, beneficiary_id=form.beneficiary_id.data,
                institution_id=form.institution_id.data, profession=form.profession.data,
                gender=form.gender.data, language=form.language.data)
            flash(ops.registered_message(), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form), status_of(form)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("5 per minute;30 per hour", methods=["POST"])
@limiter.limit(lambda: current_app.config["LMS_RESET_ACCOUNT_LIMIT"], key_func=_account_key,
               methods=["POST"], on_breach=_locked_out("reset"))
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
    # The page is in the language of the e-mail that brought the person here (their own),
    # unless they chose another on this site.
    with use_language(current_language() if session.get(SESSION_KEY) else user.language):
        form = ResetPasswordForm()
        if form.validate_on_submit():
            with errors_on(form):
                ops.reset_password(db.session, token, form.password.data)
                sign_in_browser(user)
                flash(_("Your password has been set."), "success")
                return redirect(_home_for(user))
        return render_template("accounts/reset_password.html", form=form, user=user), status_of(form)


@bp.errorhandler(ops.InvalidResetLink)
def invalid_reset_link(error: ops.InvalidResetLink):
    """An expired, tampered or used password link: a page that offers a new one."""
    abandon()
    return render_template("accounts/reset_invalid.html", message=error.message), error.status
