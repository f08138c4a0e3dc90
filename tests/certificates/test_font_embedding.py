"""Certificate fonts read once and embedded as cached subsets: a certificate rendered with the
caches warm reads exactly like one rendered cold, whatever glyphs came before it."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from lms.certificates import embedding
from lms.certificates.embedding import BLOCKS, CertificateOutput, blocks_for, face
from lms.certificates.pdf import FONT_FILES, PrintedCertificate, render_certificate
from tests.certificates.conftest import pdf_qr_codes, pdf_text

URL = "https://lms.example/verify/K7QM-3XJD-9PRA-T2HC"
LATIN = PrintedCertificate(
    code="K7QM3XJD9PRAT2HC", kind="completion", language="sq", holder_name="Ëndrit Çela",
    course_title="Parandalimi i radikalizimit në burgje", hours=Decimal("12"),
    completed_at=datetime(2026, 11, 20, 9, tzinfo=UTC), issued_at=datetime(2026, 11, 21, 9, tzinfo=UTC),
    revision=1, reissued_at=None, cohort_name="Prishtinë 2026/1", beneficiary_code="XK",
    tutor_names=("Arta Berisha",), expires_at=datetime(2028, 11, 21, 9, tzinfo=UTC))
# An Albanian certificate held by someone whose name is written in Cyrillic.
CYRILLIC_NAME = replace(LATIN, holder_name="Ђорђе Шћепановић Ѕвонко Ќ", code="M2D9Z4W7P3R8T6YB")


@pytest.fixture(autouse=True)
def fresh_fonts():
    """Every test starts cold: no face or subset in memory."""
    embedding.clear_caches()
    yield
    embedding.clear_caches()


def _render(app, printed, store=None) -> bytes:
    with app.test_request_context():
        return render_certificate(printed, verify_url=URL, issuer_name="Council of Europe", font_store=store)


def _flat(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


def _embedded_subsets(data: bytes) -> dict[str, int]:
    """Each embedded font's name and its FontFile2's length."""
    reader = PdfReader(io.BytesIO(data))
    found = {}
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        found[str(descriptor["/FontName"])] = len(descriptor["/FontFile2"].get_object().get_data())
    return found


def test_a_certificate_rendered_warm_reads_exactly_like_one_rendered_cold(app):
    cold = _render(app, LATIN)
    for other in (CYRILLIC_NAME, replace(LATIN, holder_name="Őrs Ăna Ŵ", code="Z9Y8X7W6V5T4S3R2")):
        _render(app, other)  # the caches now hold other glyph sets too
    warm = _render(app, LATIN)
    assert _flat(warm) == _flat(cold)
    assert warm == cold  # the same revision still renders to the same bytes
    text = _flat(cold)
    for expected in ("Ëndrit Çela", "Parandalimi i radikalizimit në burgje", "K7QM-3XJD-9PRA-T2HC", URL,
                     "Prishtinë 2026/1", "Arta Berisha"):
        assert expected in text
    assert pdf_qr_codes(cold) == [URL]


def test_a_cyrillic_name_after_latin_ones_still_embeds_its_glyphs(app):
    latin = _render(app, LATIN)
    assert "Ëndrit Çela" in _flat(latin)
    after = _render(app, CYRILLIC_NAME)
    assert "Ђорђе Шћепановић Ѕвонко Ќ" in _flat(after)
    embedding.clear_caches()
    assert _render(app, CYRILLIC_NAME) == after  # the same as when it is the first of its process
    # Its bold font carries the Cyrillic block as well, so it is larger than the Latin one's.
    bold = next(name for name in _embedded_subsets(after) if "Bold" in name)
    assert _embedded_subsets(after)[bold] > _embedded_subsets(latin)[bold]


@pytest.mark.parametrize(("text", "blocks"), [
    ("Jelena Markovic 2026", ("core",)),
    ("Ëndrit Çela · Đorđe Šćepanović – “Niš”", ("core",)),
    ("Ђорђе Јован Ѓорѓиевски", ("core", "cyrillic")),
    ("Őrs Ăna", ("core", "latin")),
    ("Ӂ", ("core", "other")),
    ("Ђ ő Ӂ", ("core", "cyrillic", "latin", "other")),
    ("", ("core",)),
])
def test_the_blocks_of_a_text_are_the_fixed_sets_its_characters_fall_in(text, blocks):
    assert blocks_for(map(ord, text)) == blocks


def test_the_blocks_cover_every_character_once():
    named = [codes for _name, codes in BLOCKS[:-1]]
    assert all(not (a & b) for i, a in enumerate(named) for b in named[i + 1:])
    assert BLOCKS[-1][1] == frozenset()  # the last block takes whatever the others leave


def test_a_subset_is_cut_once_per_font_and_block_set(app, monkeypatch):
    made = []
    real = embedding._make_subset
    monkeypatch.setattr(embedding, "_make_subset", lambda f, blocks: made.append(blocks) or real(f, blocks))
    for number in range(3):
        _render(app, replace(LATIN, holder_name=f"Arben Hoxha {number}"))
    assert made == [("core",), ("core",)]  # one per font file (regular and bold)
    _render(app, CYRILLIC_NAME)
    assert made[2:] == [("core", "cyrillic")]  # only the bold name needs Cyrillic


def test_a_new_process_reads_the_fonts_from_the_store_instead_of_cutting_them(app, tmp_path, monkeypatch):
    store = tmp_path / "fonts"
    first = _render(app, CYRILLIC_NAME, store)
    kept = sorted(path.name for path in store.iterdir())
    assert len([name for name in kept if name.endswith(".face.json")]) == 2
    assert any(name.endswith("-core+cyrillic.subset.json") for name in kept)

    embedding.clear_caches()  # as a new process would start

    def refuse(*args):
        raise AssertionError("the store should have answered")

    monkeypatch.setattr(embedding, "_make_subset", refuse)
    monkeypatch.setattr(embedding, "_parse", refuse)
    assert _render(app, CYRILLIC_NAME, store) == first


def test_a_damaged_store_entry_is_cut_again_and_replaced(app, tmp_path):
    store = tmp_path / "fonts"
    first = _render(app, LATIN, store)
    for path in store.glob("*.subset.json"):
        entry = json.loads(path.read_text())
        entry["compressed"] = entry["compressed"][::-1]
        path.write_text(json.dumps(entry))
    for path in store.glob("*.face.json"):
        path.write_text("{not json")
    embedding.clear_caches()
    assert _render(app, LATIN, store) == first
    for path in store.glob("*.json"):
        json.loads(path.read_text())  # whole again


def test_an_unwritable_store_only_costs_the_work(app, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert "Ëndrit Çela" in _flat(_render(app, LATIN, blocked / "fonts"))


def test_prepare_cuts_every_block_set_of_the_fonts(tmp_path):
    store = tmp_path / "fonts"
    count = embedding.prepare(FONT_FILES.values(), store)
    assert count == 2 * 2 ** (len(BLOCKS) - 1)
    assert len(list(store.glob("*.subset.json"))) == count


def test_a_document_whose_fonts_were_added_otherwise_is_refused_by_the_cached_output():
    pdf = FPDF()
    pdf.add_font("DejaVuSans", "", str(FONT_FILES[""]))
    pdf.add_page()
    with pytest.raises(ValueError, match="not attached"):
        pdf.output(output_producer_class=CertificateOutput)


def test_an_attached_face_behaves_as_add_font_for_the_text(app):
    """The same words, measured and extracted the same, whichever way the font was added."""
    words = "Ђорђе Шћепановић · Ëndrit Çela · Őrs"
    added, attached = FPDF(), FPDF()
    added.add_font("DejaVuSans", "B", str(FONT_FILES["B"]))
    face(FONT_FILES["B"]).attach(attached, "DejaVuSans", "B")
    widths = []
    for pdf in (added, attached):
        pdf.add_page()
        pdf.set_font("DejaVuSans", "B", 14)
        widths.append(pdf.get_string_width(words))
        pdf.cell(200, 10, words)
    assert widths[0] == widths[1]
    plain = bytes(added.output())
    cached = bytes(attached.output(output_producer_class=CertificateOutput))
    assert pdf_text(plain) == pdf_text(cached)


def _drawn_glyphs(data: bytes) -> dict[str, dict[str, tuple]]:
    """For each embedded font, each character's glyph as the PDF draws it: through the
    ToUnicode map (code → character) and the CIDToGIDMap (code → glyph of the embedded
    subset), its advance width and outline box."""
    import re

    from fontTools.ttLib import TTFont

    reader = PdfReader(io.BytesIO(data))
    drawn = {}
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        order = embedded.getGlyphOrder()
        gids = descendant["/CIDToGIDMap"].get_object().get_data()
        to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        mapped = "".join(re.findall(r"beginbfchar(.*?)endbfchar", to_unicode, re.S))
        glyphs = {}
        for code, char in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})>", mapped):
            code, char = int(code, 16), chr(int(char, 16))
            gid = int.from_bytes(gids[2 * code:2 * code + 2], "big")
            glyph = embedded["glyf"][order[gid]]
            glyphs[char] = (embedded["hmtx"][order[gid]][0], getattr(glyph, "xMin", None), getattr(glyph, "yMax", None))
        drawn["Bold" if "Bold" in str(descriptor["/FontName"]) else "Book"] = glyphs
    return drawn


def test_every_character_is_drawn_with_its_own_glyph_from_the_embedded_subset(app):
    from fontTools.ttLib import TTFont

    _render(app, LATIN)
    drawn = _drawn_glyphs(_render(app, CYRILLIC_NAME))
    assert set("ЂорђеШћепановићЅвонкоЌ") <= set(drawn["Bold"])
    assert set("Prishtinë 2026/1 Parandalimi i radikalizimit në burgje") <= set(drawn["Book"]) | set(drawn["Bold"])
    for style, path in (("Book", FONT_FILES[""]), ("Bold", FONT_FILES["B"])):
        original = TTFont(path)
        cmap = original.getBestCmap()
        for char, (advance, x_min, y_max) in drawn[style].items():
            if char in "\x00 ":
                continue
            glyph = original["glyf"][cmap[ord(char)]]
            assert (advance, x_min, y_max) == (original["hmtx"][cmap[ord(char)]][0], getattr(glyph, "xMin", None),
                                               getattr(glyph, "yMax", None)), (style, char)


def test_characters_without_a_glyph_are_left_out_with_a_warning(app, caplog):
    """A character the fonts lack (CJK) or that has no two-byte code (beyond the BMP) is left
    out of the text, as fpdf2 leaves it out, and named in a warning; the rest reads back."""
    printed = replace(LATIN, holder_name="Ëndrit 漢 Çela 🎓", code="Q2W3E4R5T6Y7U8I9")
    with caplog.at_level("WARNING", logger="lms.certificates.embedding"):
        data = _render(app, printed)
    text = _flat(data)
    assert "Ëndrit Çela" in text
    assert "漢" not in text and "🎓" not in text
    assert any("漢" in record.getMessage() or "\\u6f22" in record.getMessage() for record in caplog.records)
    assert _render(app, printed) == data
