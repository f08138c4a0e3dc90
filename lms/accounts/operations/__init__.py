"""Account rules, one module per use case: ``sign_in`` (e-mail addresses, passwords, signing in,
forgotten passwords), ``profiles`` (registering, one's own profile), ``administration``
(roles and scope, institutions, reference data), ``tokens`` (personal API tokens).

Their public functions are named here too, so that other features import them from
``lms.accounts.operations`` without knowing how this package is divided.
"""

from lms.accounts.operations.administration import (
    admin_create_user,
    admin_update_user,
    beneficiary_by_code,
    create_institution,
    ensure_reference_data,
    find_users,
)
from lms.accounts.operations.institution_names import (
    institution_for_translation,
    translate_institution,
)
from lms.accounts.operations.profiles import (
    beneficiaries_and_institutions,
    register_trainee,
    registered_message,
    require_open_registration,
    update_profile,
)
from lms.accounts.operations.sessions import (
    SESSION_FACTS,
    SessionFact,
    active_sessions,
    end_all_sessions,
    end_session,
    note_session_seen,
    nothing_to_show,
    session_fact,
    session_for_key,
    session_id_of,
    sign_out_everywhere,
    start_session,
    withdraw_credentials,
)
from lms.accounts.operations.sign_in import (
    MIN_PASSWORD_LENGTH,
    InvalidResetLink,
    authenticate,
    change_password,
    check_new_password,
    find_user_by_email,
    hash_password,
    normalize_email,
    password_reset_token,
    password_reset_url,
    queue_password_mail,
    request_password_reset,
    reset_password,
    user_for_reset_token,
    verify_password,
)
from lms.accounts.operations.tokens import (
    TOKEN_PREFIX,
    create_api_token,
    note_token_use,
    revoke_api_token,
    valid_api_token,
)

__all__ = [
    "MIN_PASSWORD_LENGTH", "SESSION_FACTS", "SessionFact", "TOKEN_PREFIX", "InvalidResetLink", "admin_create_user", "admin_update_user", "authenticate",
    "beneficiaries_and_institutions", "beneficiary_by_code", "change_password", "check_new_password",
    "create_api_token", "create_institution", "ensure_reference_data", "find_user_by_email", "find_users",
    "hash_password", "institution_for_translation", "normalize_email", "note_token_use", "password_reset_token",
    "password_reset_url", "queue_password_mail", "register_trainee", "registered_message", "request_password_reset", "require_open_registration",
    "reset_password", "revoke_api_token", "update_profile", "user_for_reset_token",
    "translate_institution", "valid_api_token", "verify_password", "active_sessions", "end_all_sessions", "end_session",
    "note_session_seen", "nothing_to_show", "session_fact", "session_for_key", "session_id_of", "sign_out_everywhere", "start_session",
    "withdraw_credentials",
]
