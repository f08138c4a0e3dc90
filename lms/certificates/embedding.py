"""The certificate fonts, read once per process and embedded as cached subsets.

fpdf2 on its own parses each TrueType file for every document (``add_font``) and, when
writing it, cuts a subset of exactly the glyphs that document used with fontTools and
compiles it again: most of a certificate's rendering time. Here instead:

- each font file is read once per process (``FontFace``); a document gets a light
  ``TTFFont`` that shares the metrics and starts its own record of used glyphs;
- the embedded subset is not the document's exact glyphs but the union of the fixed
  **glyph blocks** its text touches (``BLOCKS``: the regional Latin letters and
  punctuation every certificate needs, basic Cyrillic, the other Latin letters, the rest
  of the font). A subset is made once per (font file hash, blocks) and reused, compressed,
  by every later document: a pure function of the font's bytes and the block names, the
  same on any server, so it is also kept in a **store** folder (the metrics too) for the
  next process, keyed by the font's SHA-256 and the block names. A glyph outside the
  common blocks (a Cyrillic name, an ``ő``) only selects a wider block set: every glyph a
  document uses is always embedded;
- ``CertificateOutput`` writes the font objects from that cache: the subset, and the
  per-document parts (glyph widths, the ToUnicode map that keeps text extractable, the
  CIDToGIDMap from the document's character codes to the subset's glyphs).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import threading
import zlib
from collections import defaultdict
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import FontDescriptorFlags, TextEmphasis
from fpdf.fonts import PDFFontDescriptor, SubsetMap, TTFFont
from fpdf.output import OutputProducer, _build_cmap_blocks, _tt_font_widths
from fpdf.syntax import PDFObject

log = logging.getLogger(__name__)


def _chars(text: str) -> frozenset[int]:
    return frozenset(map(ord, text))


def _ranges(*spans: tuple[int, int]) -> frozenset[int]:
    return frozenset(code for first, last in spans for code in range(first, last + 1))


# Ordered: a document's subset is named by the blocks its glyphs fall in, in this order.
# The first block is always embedded; the last takes whatever the others leave.
REGIONAL_LETTERS = "ÇçËëČčĆćĐđŠšŽžŚśŹź"  # Albanian, Bosnian, Serbian, Montenegrin
_CORE = (_ranges((0x00, 0x7E), (0xA0, 0xBF), (0x2000, 0x206F)) | _chars(REGIONAL_LETTERS)
         | _chars("\u20ac\u2116\u2122\ufffd"))
BLOCKS: tuple[tuple[str, frozenset[int]], ...] = (
    ("core", _CORE),
    ("cyrillic", _ranges((0x400, 0x45F))),
    ("latin", _ranges((0xC0, 0x24F)) - _CORE),
    ("other", frozenset()),
)
CORE = BLOCKS[0][0]


def block_of(code: int) -> str:
    for name, codes in BLOCKS[:-1]:
        if code in codes:
            return name
    return BLOCKS[-1][0]


def blocks_for(codes) -> tuple[str, ...]:
    """The names of the blocks that hold ``codes`` (always with the core block), in order."""
    wanted = {CORE} | {block_of(code) for code in codes}
    return tuple(name for name, _codes in BLOCKS if name in wanted)


# --- faces: one parse per font file and process -------------------------------------------

_SHARED_SLOTS = ("type", "name", "ttffile", "scale", "cmap", "cw", "glyph_ids", "up", "ut", "sp", "ss",
                 "ttfont", "is_compressed", "is_cff", "is_cid_keyed", "is_symbol", "cff_ros",
                 "collection_font_number", "color_font", "palette_index")
_DESCRIPTOR_FIELDS = ("ascent", "descent", "cap_height", "flags", "font_b_box", "italic_angle", "stem_v",
                      "missing_width")
_METRICS = ("name", "scale", "up", "ut", "sp", "ss")


@dataclass(frozen=True)
class FontFace:
    """A font file read once: the hash of its bytes, and fpdf2's metrics of it."""

    path: Path
    sha256: str
    data: bytes
    prototype: TTFFont
    store: Path | None = None  # where subsets (and these metrics) are kept across processes

    def attach(self, pdf: FPDF, family: str, style: str) -> None:
        """Make this face available to ``pdf`` as ``family``/``style`` (what ``add_font`` does,
        without reading the file again)."""
        fontkey = f"{family.lower()}{style}"
        font = TTFFont.__new__(TTFFont)
        for slot in _SHARED_SLOTS:
            setattr(font, slot, getattr(self.prototype, slot))
        font.fontkey = fontkey
        font.i = len(pdf.fonts) + 1
        font.emphasis = TextEmphasis.coerce(style)
        font.unicode_range = None
        font._hbfont = None
        font.biggest_size_pt = 0
        font.missing_glyphs = []
        font.desc = PDFFontDescriptor(**{name: getattr(self.prototype.desc, name) for name in _DESCRIPTOR_FIELDS})
        font.subset = SubsetMap(font)
        pdf.fonts[fontkey] = font
        faces_of(pdf)[fontkey] = self


def faces_of(pdf: FPDF) -> dict[str, FontFace]:
    """The faces attached to ``pdf``, by fpdf2's font key."""
    return pdf.__dict__.setdefault("lms_font_faces", {})


_lock = threading.RLock()
_faces: dict[tuple, FontFace] = {}
_subsets: dict[tuple[str, tuple[str, ...]], Subset] = {}


def clear_caches() -> None:
    """Forget every face and subset this process holds (the stores on disk stay)."""
    with _lock:
        _faces.clear()
        _subsets.clear()


def face(path: Path, store: Path | None = None) -> FontFace:
    """The face of a font file: read once per process (again if the file changes).

    With a ``store`` folder, its metrics are read from there when a process has stored
    them for the same bytes, instead of parsing the font again.
    """
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, str(store))
    found = _faces.get(key)
    if found is None:
        with _lock:
            found = _faces.get(key)
            if found is None:
                found = _faces[key] = _read_face(path, store)
    return found


def _read_face(path: Path, store: Path | None) -> FontFace:
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    stored = _load(store / f"{sha256[:32]}.face.json") if store else None
    prototype = None
    if stored is not None and stored.get("font") == sha256:
        try:
            prototype = _prototype_from(stored, path)
        except (KeyError, TypeError, ValueError):
            log.warning("The stored metrics of %s are damaged; reading the font again", path)
    if prototype is None:
        prototype = _parse(path)
        if store:
            _save(store / f"{sha256[:32]}.face.json", json.dumps(_metrics_of(prototype, sha256)).encode())
    return FontFace(path=path, sha256=sha256, data=data, prototype=prototype, store=store)


def _parse(path: Path) -> TTFFont:
    """fpdf2's reading of a font file (what ``add_font`` does for each document)."""
    prototype = TTFFont(FPDF(), path, path.stem, "")
    prototype.ttfont.close()  # metrics read; subsets are cut from the bytes
    prototype.ttfont = None
    return prototype


def _metrics_of(font: TTFFont, sha256: str) -> dict:
    return {
        "font": sha256, **{name: getattr(font, name) for name in _METRICS},
        "desc": {name: getattr(font.desc, name).value if name == "flags" else getattr(font.desc, name)
                 for name in _DESCRIPTOR_FIELDS},
        "default_width": font.cw.default_factory(),
        "chars": [[code, font.cmap[code], font.glyph_ids[code], font.cw[code]] for code in font.cmap],
    }


def _prototype_from(stored: dict, path: Path) -> TTFFont:
    font = TTFFont.__new__(TTFFont)
    for name in _METRICS:
        setattr(font, name, stored[name])
    desc = dict(stored["desc"])
    desc["flags"] = FontDescriptorFlags(desc["flags"])
    font.desc = PDFFontDescriptor(**desc)
    default_width = stored["default_width"]
    font.cw = defaultdict(lambda: default_width)
    font.cmap, font.glyph_ids = {}, {}
    for code, glyph_name, glyph_id, width in stored["chars"]:
        font.cmap[code], font.glyph_ids[code], font.cw[code] = glyph_name, glyph_id, width
    font.type, font.ttffile, font.ttfont = "TTF", path, None
    font.is_compressed = font.is_cff = font.is_cid_keyed = font.is_symbol = False
    font.cff_ros, font.collection_font_number, font.color_font, font.palette_index = None, 0, None, 0
    return font


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def _save(path: Path, data: bytes) -> None:
    """Write atomically (readers see the whole file or none); a store that cannot be
    written only costs the next process the work again."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        log.warning("Could not store %s", path, exc_info=True)


# --- subsets: one per font file hash and block set --------------------------------------

@dataclass(frozen=True)
class Subset:
    """A compiled font subset, compressed for embedding, and each glyph name's id in it."""

    blocks: tuple[str, ...]
    compressed: bytes
    length: int  # uncompressed
    glyph_ids: dict[str, int]


def subset(face: FontFace, blocks: tuple[str, ...]) -> Subset:
    """The subset of ``face`` holding every glyph of ``blocks`` (made once, then shared)."""
    key = (face.sha256, blocks)
    found = _subsets.get(key)
    if found is None:
        with _lock:
            found = _subsets.get(key)
            if found is None:
                found = _subsets[key] = _stored_subset(face, blocks)
    return found


def _stored_subset(face: FontFace, blocks: tuple[str, ...]) -> Subset:
    path = face.store / f"{face.sha256[:32]}-{'+'.join(blocks)}.subset.json" if face.store else None
    stored = _load(path) if path else None
    if stored is not None and stored.get("font") == face.sha256 and tuple(stored.get("blocks", ())) == blocks:
        try:
            compressed = base64.b64decode(stored["compressed"], validate=True)
            if hashlib.sha256(compressed).hexdigest() == stored["sha256"]:
                return Subset(blocks=blocks, compressed=compressed, length=int(stored["length"]),
                              glyph_ids={str(name): int(gid) for name, gid in stored["glyph_ids"].items()})
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
        log.warning("The stored subset %s is damaged; cutting it again", path)
    made = _make_subset(face, blocks)
    if path:
        _save(path, json.dumps({
            "font": face.sha256, "blocks": list(blocks), "length": made.length, "glyph_ids": made.glyph_ids,
            "sha256": hashlib.sha256(made.compressed).hexdigest(),
            "compressed": base64.b64encode(made.compressed).decode()}).encode())
    return made


_DROPPED_TABLES = [  # what fpdf2 drops from its own subsets (unused without text shaping, or colour)
    "FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC", "EBSC",
    "SVG ", "CPAL", "COLR"]


def _make_subset(face: FontFace, blocks: tuple[str, ...]) -> Subset:
    font = TTFont(BytesIO(face.data), recalcTimestamp=False)
    cmap = font.getBestCmap()
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += _DROPPED_TABLES
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=sorted({name for code, name in cmap.items() if block_of(code) in blocks}))
    subsetter.subset(font)
    output = BytesIO()
    font.save(output)
    data = output.getvalue()
    glyph_ids = {name: font.getGlyphID(name) for name in font.getGlyphOrder()}
    font.close()
    return Subset(blocks=blocks, compressed=zlib.compress(data), length=len(data), glyph_ids=glyph_ids)


def prepare(paths, store: Path | None = None) -> int:
    """Make (and store) the subsets of every block set for these font files; return how many."""
    names = [name for name, _codes in BLOCKS[1:]]
    count = 0
    for path in paths:
        font_face = face(Path(path), store)
        for mask in range(2 ** len(names)):
            chosen = {name for bit, name in enumerate(names) if mask >> bit & 1}
            subset(font_face, tuple(name for name, _codes in BLOCKS if name == CORE or name in chosen))
            count += 1
    return count


# --- writing the document ---------------------------------------------------------------

class _Object(PDFObject):
    """A PDF object whose dictionary is written as given (values already in PDF syntax, or
    objects to refer to), without fpdf2's generic reflection over attributes; with a stream,
    already compressed or not."""

    def __init__(self, entries: dict, stream: bytes | None = None, *, compressed: bool = False) -> None:
        super().__init__()
        self.entries = entries
        self.stream = stream
        if stream is not None:
            entries["/Length"] = len(stream)
            if compressed:
                entries["/Filter"] = "/FlateDecode"

    def _build_obj_dict(self, security_handler=None) -> dict:
        return {key: _syntax(value) for key, value in sorted(self.entries.items())}

    def content_stream(self) -> bytes | None:
        return self.stream


def _syntax(value) -> str:
    if isinstance(value, PDFObject):
        return value.ref
    if isinstance(value, list):
        return "[" + " ".join(_syntax(item) for item in value) + "]"
    return str(value)


_TO_UNICODE = (
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
    "<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n"
    "/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n{blocks}endcmap\n"
    "CMapName currentdict /CMap defineresource pop\nend\nend"
)


def _unicode_hex(code: int) -> str:
    if code > 0xFFFF:
        return f"{0xD800 | (code - 0x10000) >> 10:04X}{0xDC00 | (code & 0x3FF):04X}"
    return f"{code:04X}"


class CertificateOutput(OutputProducer):
    """fpdf2's output, with the fonts of ``FontFace.attach`` embedded from the subset cache."""

    def _add_fonts(self, image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name):
        font_objs_per_index = {}
        faces = faces_of(self.fpdf)
        for font in sorted(self.fpdf.fonts.values(), key=lambda font: font.i):
            face_of_font = faces.get(font.fontkey)
            if face_of_font is None:
                raise ValueError(f"{font!r} was not attached from a FontFace")
            font_objs_per_index[font.i] = self._add_cached_font(font, face_of_font)
        return font_objs_per_index

    def _add_cached_font(self, font: TTFFont, face_of_font: FontFace) -> PDFObject:
        used = [(glyph, code) for glyph, code in font.subset.items() if glyph is not None]
        if font.missing_glyphs:
            log.warning("Font %s has no glyph for %s", font.name, ", ".join(map(ascii, map(chr, font.missing_glyphs))))
        sub = subset(face_of_font, blocks_for(c for glyph, _code in used for c in glyph.unicode))
        fontname = f"/MPDFAA+{font.name}"

        def add(obj: _Object, label: str) -> _Object:
            self._add_pdf_obj(obj, label)
            return obj

        composite = add(_Object({"/BaseFont": fontname, "/Encoding": "/Identity-H", "/Subtype": "/Type0",
                                 "/Type": "/Font"}), "fonts")
        cid_font = add(_Object({"/BaseFont": fontname, "/DW": font.desc.missing_width, "/Subtype": "/CIDFontType2",
                                "/Type": "/Font", "/W": _tt_font_widths(font)}), "fonts")
        composite.entries["/DescendantFonts"] = [cid_font]

        # The character each code stands for: what makes the text searchable and extractable.
        entries = [f"<{code:04X}> <{''.join(_unicode_hex(c) for c in glyph.unicode)}>\n"
                   for glyph, code in used if isinstance(glyph.unicode, tuple) and glyph.unicode]
        cmap = _TO_UNICODE.format(blocks=_build_cmap_blocks(entries, "bfchar")).encode("latin-1")
        composite.entries["/ToUnicode"] = add(_Object({}, cmap), "fonts")

        cid_font.entries["/CIDSystemInfo"] = add(_Object(
            {"/Ordering": "(UCS)", "/Registry": "(Adobe)", "/Supplement": 0}), "fonts")

        desc = font.desc
        descriptor = add(_Object({
            "/Ascent": desc.ascent, "/CapHeight": desc.cap_height, "/Descent": desc.descent,
            "/Flags": desc.flags.value, "/FontBBox": desc.font_b_box, "/FontName": fontname,
            "/ItalicAngle": desc.italic_angle, "/MissingWidth": desc.missing_width, "/StemV": desc.stem_v,
            "/Type": "/FontDescriptor"}), "fonts")
        cid_font.entries["/FontDescriptor"] = descriptor

        # Two bytes per code, up to the highest code the document uses (codes beyond the
        # stream map to glyph 0, and none occurs in the text).
        cid_to_gid = bytearray(2 * (max((code for _glyph, code in used), default=0) + 1))
        for glyph, code in used:
            gid = sub.glyph_ids[glyph.glyph_name]
            cid_to_gid[2 * code] = gid >> 8
            cid_to_gid[2 * code + 1] = gid & 0xFF
        cid_font.entries["/CIDToGIDMap"] = add(_Object({}, zlib.compress(cid_to_gid), compressed=True), "fonts")
        descriptor.entries["/FontFile2"] = add(_Object({"/Length1": sub.length}, sub.compressed, compressed=True),
                                                "fonts")

        font.subset.pick.cache_clear()  # fpdf2's caches are per class: let this document's go
        font.subset.get_glyph.cache_clear()
        return composite
