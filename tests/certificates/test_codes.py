"""Verification codes: 80 random bits, grouped for typing, forgiving of how they are typed."""

from __future__ import annotations

import math

import pytest

from lms.certificates.codes import ALPHABET, LENGTH, format_code, generate_code, normalise_code


def test_a_code_carries_at_least_80_random_bits_in_16_unambiguous_characters():
    assert LENGTH * math.log2(len(ALPHABET)) >= 80
    assert not set("ILOU") & set(ALPHABET)
    codes = {generate_code() for _ in range(5000)}
    assert len(codes) == 5000
    assert all(len(code) == 16 and set(code) <= set(ALPHABET) for code in codes)
    # Every character of the alphabet turns up in every position: nothing is fixed or counted.
    for position in range(LENGTH):
        assert {code[position] for code in codes} == set(ALPHABET)


def test_a_code_is_shown_in_four_groups_of_four():
    assert format_code("K7QM3XJD9PRAT2HC") == "K7QM-3XJD-9PRA-T2HC"


@pytest.mark.parametrize(("typed", "stored"), [
    ("K7QM-3XJD-9PRA-T2HC", "K7QM3XJD9PRAT2HC"),
    ("k7qm 3xjd 9pra t2hc", "K7QM3XJD9PRAT2HC"),
    ("  k7qm3xjd9prat2hc\n", "K7QM3XJD9PRAT2HC"),
    ("K7QM–3XJD—9PRA-T2HC", "K7QM3XJD9PRAT2HC"),
    ("O0IL-1111-0000-OOOO", "0011111100000000"),
])
def test_typed_codes_are_normalised(typed, stored):
    assert normalise_code(typed) == stored


@pytest.mark.parametrize("typed", [None, "", "K7QM-3XJD-9PRA", "K7QM-3XJD-9PRA-T2HCX", "K7QM-3XJD-9PRA-T2HU",
                                   "K7QM/3XJD/9PRA/T2HC", "' OR 1=1 --"])
def test_what_cannot_be_a_code_is_rejected_before_any_look_up(typed):
    assert normalise_code(typed) is None
