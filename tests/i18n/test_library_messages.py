"""The messages WTForms, marshmallow and webargs write themselves reach people in their language."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import marshmallow
import pytest
import wtforms
from babel.messages.pofile import read_po
from flask_wtf import FlaskForm

import lms
from lms.core.forms import WTFORMS_MESSAGES, Form
from lms.core.i18n import use_language
from lms.core.schema_messages import SCHEMA_MESSAGES, template_of, translate_leaves
from tests.conftest import login


def _modules(suffix: str):
    for info in pkgutil.walk_packages(lms.__path__, "lms."):
        if info.name.endswith(suffix):
            yield importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_platform_takes_wtforms_messages_from_our_catalogues():
    list(_modules(".forms"))
    strays = [f"{c.__module__}.{c.__name__}" for c in _subclasses(FlaskForm)
              if c.__module__.startswith("lms.") and not issubclass(c, Form)]
    assert not strays, f"derive these from lms.core.forms.Form, not FlaskForm: {strays}"


def test_every_wtforms_message_is_in_the_catalogues():
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    with pot.open("rb") as handle:
        theirs = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(handle) if m.id}
    ours = set(WTFORMS_MESSAGES)
    assert theirs - ours <= {"Invalid field name '%s'."}, theirs - ours


def _schema_messages():
    """Every message the fields and validators of our API schemas can give."""
    for module in _modules(".schemas"):
        for _name, schema in inspect.getmembers(module, inspect.isclass):
            if not issubclass(schema, marshmallow.Schema) or schema.__module__ != module.__name__:
                continue
            instance = schema()
            yield from instance.error_messages.values()
            for field in instance.fields.values():
                for message in field.error_messages.values():
                    obj_type = getattr(field, "OBJ_TYPE", None)
                    if "{awareness}" in message and not isinstance(
                            field, marshmallow.fields.NaiveDateTime | marshmallow.fields.AwareDateTime):
                        continue  # inherited by Date and Time, never given by them
                    yield message.format(input="x", obj_type=obj_type, awareness="naive") if obj_type else message
                for validator in field.validators:
                    for attribute in ("message_min", "message_max", "message_all", "message_equal", "error"):
                        if isinstance(getattr(validator, attribute, None), str):
                            yield getattr(validator, attribute)


def test_every_message_our_api_schemas_can_give_is_translatable():
    unknown = sorted({message for message in _schema_messages() if message not in SCHEMA_MESSAGES
                      and template_of(message) is None})
    assert not unknown, unknown


def test_library_messages_are_translated_with_their_values(app):
    errors = {"name": ["Longer than maximum length 200."], "capacity": ["Not a valid integer."],
              "status": ["Must be one of: awaiting, graded."], "page": ["Must be greater than or equal to 1."],
              "ours": ["Već prevedeno."]}
    with app.test_request_context(), use_language("sr_Latn"):
        assert translate_leaves(errors) == {
            "name": ["Duže od najveće dozvoljene dužine (200)."], "capacity": ["Očekuje se ceo broj."],
            "status": ["Mora biti jedno od sledećeg: awaiting, graded."],
            "page": ["Mora biti veće od 1 ili jednako 1."], "ours": ["Već prevedeno."]}


@pytest.mark.parametrize(("code", "message"), [("sr_Latn", "Unesite ceo broj."), ("sr_Cyrl", "Унесите цео број.")])
def test_a_wtforms_message_on_a_page_is_in_the_readers_language(app, make_user, imported, code, message):
    manager = make_user(roles=("manager",), beneficiary="MK", scope="regional", language=code)
    client = app.test_client()
    login(client, manager)
    html = client.form("/cohorts/new", {"name": "Group", "capacity": "many"}).get_data(as_text=True)
    assert message in html
