"""The certificate's QR code is the symbol segno makes for the same text (byte mode, level M
raised as far as the version allows, the fixed mask), and it reads back as that text."""

from __future__ import annotations

import random
import string

import pytest
import segno
from segno import consts

from lms.certificates import qr

# Every length up to version 5, and the longest text of versions 1 to 20, 25, 30, 35 and 40.
VERSIONS = (*range(1, 21), 25, 30, 35, 40)
LENGTHS = sorted({*range(1, 110), *((consts.SYMBOL_CAPACITY[version][consts.ERROR_LEVEL_M] - 4 - (8 if version < 10 else 16))
                                    // 8 for version in VERSIONS)})

def _text(length: int, rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits + "/-.:?=&%"
    return ("https://lms.example/verify/" + "".join(rng.choice(alphabet) for _ in range(length)))[:length]


def _symbol(text: str) -> list[list[int]]:
    """Our modules without the quiet zone, row by row."""
    size, modules = qr.encode(text)
    rows = [list(modules[row * size:(row + 1) * size]) for row in range(size)]
    border = qr.BORDER
    assert all(not any(row) for row in rows[:border] + rows[-border:])
    assert all(not any(row[:border] + row[-border:]) for row in rows)
    return [row[border:-border] for row in rows[border:-border]]


def test_each_length_gives_the_symbol_segno_makes():
    rng = random.Random(20)
    versions = set()
    for length in LENGTHS:
        text = _text(length, rng)
        reference = segno.make(text, error="m", mode="byte", mask=qr.MASK, micro=False)
        versions.add(reference.version)
        assert _symbol(text) == [list(row) for row in reference.matrix], (length, reference.designator)
    assert versions == set(VERSIONS) | set(range(1, 6))


def test_a_text_beyond_latin_1_is_written_as_utf8_and_reads_back():
    import zxingcpp

    text = "https://lms.example/verify/Ђорђе-Šćepanović"
    assert [found.text for found in zxingcpp.read_barcodes(qr.image(text, 4))] == [text]
    reference = segno.make(text, error="m", mode="byte", mask=qr.MASK, micro=False, encoding="utf-8")
    assert _symbol(text) == [list(row) for row in reference.matrix]


def test_a_verification_address_reads_back_from_the_image():
    import zxingcpp

    url = "https://help.example.org/verify/K7QM-3XJD-9PRA-T2HC"
    picture = qr.image(url, 4)
    size, _modules = qr.encode(url)
    assert picture.size == (4 * size, 4 * size)
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == [url]


def test_a_text_too_long_for_any_version_is_refused():
    with pytest.raises(ValueError, match="do not fit"):
        qr.encode("x" * 2332)
