"""One's own account: the profile, the password, personal API tokens."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from lms.accounts import operations as ops
from lms.accounts.forms import EmptyForm, PasswordChangeForm, ProfileFields, ProfileForm, TokenForm
from lms.accounts.models import ApiToken
from lms.accounts.views.blueprint import bp
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _
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
                           token_form=TokenForm(), tokens=tokens, action_form=EmptyForm()), status_of(form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with errors_on(form):
            ops.change_password(db.session, current_user, current=form.current_password.data,
                                new=form.new_password.data)
            login_user(current_user._get_current_object())  # the session carries the new auth version
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form), status_of(form)


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        with errors_on(form):
            token, plain = ops.create_api_token(db.session, current_user, form.name.data)
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
