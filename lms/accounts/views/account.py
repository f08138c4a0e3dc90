"""One's own account: the profile, the password, where one is signed in, personal API tokens."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from lms.accounts import operations as ops
from lms.accounts.authentication import sign_in_browser
from lms.accounts.forms import EmptyForm, PasswordChangeForm, ProfileFields, ProfileForm, TokenForm
from lms.accounts.models import ApiToken, UserSession
from lms.accounts.views.blueprint import bp
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.extensions import db


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = current_user
    form = ProfileForm(obj=user if request.method == "GET" else None)
    ProfileFields.fill(form, *ops.beneficiaries_and_institutions(db.session))
    if form.validate_on_submit():
        with errors_on(form):
            ops.update_profile(db.session, user, full_name=form.full_name.data,
                               beneficiary_id=form.beneficiary_id.data,
                               institution_id=form.institution_id.data, profession=form.profession.data,
                               gender=form.gender.data, language=form.language.data)
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.account"))
    tokens = list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                     .order_by(ApiToken.created_at.desc())))
    return render_template("accounts/account.html", form=form, password_form=PasswordChangeForm(),
                           token_form=TokenForm(), tokens=tokens, action_form=EmptyForm(), now=utcnow(),
                           sessions=ops.active_sessions(db.session, user),
                           this_session=g.get("user_session_id")), status_of(form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with errors_on(form):
            this = db.session.get(UserSession, g.get("user_session_id") or 0)
            remember = bool(this and this.remember)
            ops.change_password(db.session, current_user, current=form.current_password.data,
                                new=form.new_password.data)
            # Every session ended with the old password; this browser goes on in a new one.
            sign_in_browser(current_user._get_current_object(), remember=remember)
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form), status_of(form)


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        with errors_on(form):
            token, plain = ops.create_api_token(db.session, current_user, form.name.data,
                                                expires_in_days=form.expires_in_days.data)
            return render_template("accounts/token_created.html", token=token, plain=plain)
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
        flash(_("The token has been revoked."), "info")
    return redirect(url_for("accounts.account") + "#tokens")


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """Sign out one browser (this one too: then this browser is signed out)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ops.end_session(db.session, current_user, session_id)
    if session_id == g.get("user_session_id"):
        logout_user()
        flash(_("You have signed out."), "info")
        return redirect(url_for("accounts.login"))
    flash(_("That device has been signed out."), "info")
    return redirect(url_for("accounts.account") + "#sessions")


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    if not EmptyForm().validate_on_submit():
        abort(400)
    ops.end_all_sessions(db.session, current_user, keep=g.get("user_session_id"))
    flash(_("Every other device has been signed out."), "info")
    return redirect(url_for("accounts.account") + "#sessions")
