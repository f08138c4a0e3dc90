"""The quick select writes exactly the HTML of WTForms' own."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField
from wtforms.widgets import Select

from lms.core.forms import QuickSelect


def _pair(**field_args):
    class Plain(Form):
        choice = SelectField("Choice", **field_args)

    class Quick(Form):
        choice = SelectField("Choice", widget=QuickSelect(), **field_args)

    return Plain, Quick


def test_its_options_are_those_of_wtforms_select_escaped_and_selected_alike():
    choices = [("", "All (3)"), ("1", 'Grupi "Tiranë" <A&B>'), ("2", "Two"), (True, "yes"), ("x", "")]
    plain, quick = _pair(choices=choices, validate_choice=False)
    for data in ({}, {"choice": "1"}, {"choice": "2"}, {"choice": "x"}, {"choice": "True"}):
        expected = plain(MultiDict(data)).choice()
        written = quick(MultiDict(data)).choice()
        assert str(written) == str(expected), data
        assert ("selected" in written) == bool(data)
    assert "&#34;Tiranë&#34; &lt;A&amp;B&gt;" in str(quick().choice())


def test_an_option_with_its_own_attributes_is_left_to_wtforms():
    choices = [("1", "One", {"disabled": True}), ("2", "Two", {})]
    plain, quick = _pair(choices=choices, validate_choice=False)
    assert str(quick().choice()) == str(plain().choice())
    assert 'disabled value="1"' in str(quick().choice()) and isinstance(QuickSelect(), Select)
