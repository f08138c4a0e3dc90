"""The JSON door of accounts under /api/v1, one blueprint per resource: ``me`` (the signed-in
user, their API tokens, registering), ``administration`` (finding, opening and changing
accounts; the e-mail outbox), ``organisations`` (beneficiaries and their institutions)."""
