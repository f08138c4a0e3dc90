"""The certificate fonts, read once per process and embedded as cached subsets.

fpdf2 on its own parses each TrueType file for every document (``add_font``) and, when
writing it, cuts a subset of exactly the glyphs that document used with fontTools and
compiles it again: most of a certificate's rendering time. Here instead:

- each font file is read once per process (``FontFace``: its hash, fpdf2's metrics and
  the advance width of each character); a document gets a light ``StoredFont`` that
  shares them and records the characters it draws;
- a character's code in the document is its own Unicode code point (the font is a
  composite one, two bytes per code), so encoding a text is encoding it as UTF-16BE, and
  every font object but the page's text is the same in every document that embeds the
  same glyphs;
- the embedded subset is not the document's exact glyphs but the union of the fixed
  **glyph blocks** its text touches (``BLOCKS``: the regional Latin letters and
  punctuation every certificate needs, basic Cyrillic, the other Latin letters, the rest
  of the font). A subset is made once per (font file hash, blocks) together with the font
  objects that go with it (the CIDToGIDMap from code points to the subset's glyphs, the
  glyph widths, the ToUnicode map that keeps the text extractable and searchable), all
  compressed, and reused by every later document. They are a pure function of the font's
  bytes and the block names, the same on any server, so they are also kept in a **store**
  folder (the metrics too) for the next process, keyed by the font's SHA-256 and the
  block names: a process that finds them there never parses the TrueType file. A glyph
  outside the common blocks (a Cyrillic name, an ``ő``) only selects a wider block set:
  every glyph a document uses is always embedded;
- ``CertificateOutput`` writes the font objects from that cache.

Characters beyond the Basic Multilingual Plane have no two-byte code: like characters the
font has no glyph for, they are left out of the text (with fpdf2's warning). The
certificate fonts have no glyph beyond it.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import logging
import os
import sys
import threading
import zlib
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from io import BytesIO
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import FontDescriptorFlags, TextEmphasis
from fpdf.fonts import PDFFontDescriptor, TTFFont
from fpdf.output import OutputProducer, _build_cmap_blocks, _cid_font_widths
from fpdf.syntax import PDFObject, build_obj_dict

log = logging.getLogger(__name__)

# Raised when what the store keeps changes: entries of another format are made again.
STORE_FORMAT = 2


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


# --- faces: one read per font file and process ---------------------------------------------

_DESCRIPTOR_FIELDS = ("ascent", "descent", "cap_height", "flags", "font_b_box", "italic_angle", "stem_v",
                      "missing_width")
_METRICS = ("name", "scale", "up", "ut", "sp", "ss")


@dataclass(frozen=True, eq=False)
class FontFace:
    """A font file read once: the hash of its bytes, fpdf2's metrics of it, and the advance
    width (in fpdf2's units) of each character it has a glyph for."""

    path: Path
    sha256: str
    data: bytes
    metrics: dict  # _METRICS, and "desc": the font descriptor's _DESCRIPTOR_FIELDS
    widths: dict[int, int]
    store: Path | None = None  # where subsets (and these metrics) are kept across processes
    cw: defaultdict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        cw = defaultdict(lambda: self.metrics["desc"]["missing_width"])
        cw.update(self.widths)
        object.__setattr__(self, "cw", cw)

    def attach(self, pdf: FPDF, family: str, style: str) -> None:
        """Make this face available to ``pdf`` as ``family``/``style`` (what ``add_font`` does,
        without reading the file again)."""
        fontkey = f"{family.lower()}{style}"
        font = StoredFont.__new__(StoredFont)
        for name in _METRICS:
            setattr(font, name, self.metrics[name])
        desc = dict(self.metrics["desc"])
        desc["flags"] = FontDescriptorFlags(desc["flags"])
        font.desc = PDFFontDescriptor(**desc)
        font.face = self
        font.cw = self.cw
        font.cmap = font.glyph_ids = None  # fpdf2's glyph lookups are not used: see _UsedCodes
        font.type, font.ttffile, font.ttfont = "TTF", self.path, None
        font.is_compressed = font.is_cff = font.is_cid_keyed = font.is_symbol = False
        font.cff_ros, font.collection_font_number, font.color_font, font.palette_index = None, 0, None, 0
        font.fontkey = fontkey
        font.i = len(pdf.fonts) + 1
        font.emphasis = TextEmphasis.coerce(style)
        font.unicode_range = None
        font._hbfont = None
        font.biggest_size_pt = 0
        font.missing_glyphs = []
        font.subset = _UsedCodes(font)
        pdf.fonts[fontkey] = font


class StoredFont(TTFFont):
    """A face attached to one document: fpdf2's font, coding each character as its own code
    point and recording the characters drawn (``subset.used``)."""

    __slots__ = ("face",)

    def encode_text(self, text: str) -> str:
        return f"({self.escape_text(self.subset.codes_of(text))}) Tj"


class _UsedCodes:
    """What fpdf2's ``SubsetMap`` is to its fonts, for a ``StoredFont``: the code of each
    character (its code point), and the set of those the document used."""

    def __init__(self, font: StoredFont) -> None:
        self.font = font
        self.widths = font.face.widths
        self.used: set[int] = set()
        self._seen: set[str] = set()
        self._drop: dict[int, None] = {}  # characters without a glyph, left out of the text

    def pick(self, unicode: int) -> int | None:
        """The code of one character (fpdf2's line breaker asks this way), or None without a glyph."""
        if unicode in self.widths:
            self.used.add(unicode)
            return unicode
        self._missing(unicode)
        return None

    def codes_of(self, text: str) -> str:
        """``text`` as the document's codes: itself, less any character without a glyph."""
        new = set(text) - self._seen
        if new:
            self._seen |= new
            for char in sorted(new):
                code = ord(char)
                if code in self.widths:
                    self.used.add(code)
                else:
                    self._missing(code)
        return text.translate(self._drop) if self._drop else text

    def _missing(self, code: int) -> None:
        self._drop[code] = None
        if code not in self.font.missing_glyphs:
            self.font.missing_glyphs.append(code)

    def __len__(self) -> int:
        return len(self.used)


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
    entry = store / f"{sha256[:32]}.face.json" if store else None
    stored = _load(entry) if entry else None
    if stored is not None and stored.get("font") == sha256 and stored.get("format") == STORE_FORMAT:
        try:
            metrics = {name: stored[name] for name in (*_METRICS, "desc")}
            widths = _unpack_widths(stored["codes"], stored["widths"])
            if set(metrics["desc"]) == set(_DESCRIPTOR_FIELDS):
                return FontFace(path=path, sha256=sha256, data=data, metrics=metrics, widths=widths, store=store)
        except (KeyError, TypeError, ValueError):
            pass
        log.warning("The stored metrics of %s are damaged; reading the font again", path)
    metrics, widths = _parse(path)
    if entry:
        _save(entry, json.dumps({"format": STORE_FORMAT, "font": sha256, **metrics,
                                 **_pack_widths(widths)}).encode())
    return FontFace(path=path, sha256=sha256, data=data, metrics=metrics, widths=widths, store=store)


# Widths are kept as two little-endian arrays (codes, and widths as signed 32-bit
# integers), which a new process turns into a dictionary without a loop in Python.
def _pack_widths(widths: dict[int, int]) -> dict[str, str]:
    codes, values = array("H", sorted(widths)), array("i", [widths[code] for code in sorted(widths)])
    if sys.byteorder == "big":
        codes.byteswap()
        values.byteswap()
    return {"codes": base64.b64encode(codes.tobytes()).decode(), "widths": base64.b64encode(values.tobytes()).decode()}


def _unpack_widths(codes_b64: str, widths_b64: str) -> dict[int, int]:
    codes, values = array("H"), array("i")
    codes.frombytes(base64.b64decode(codes_b64, validate=True))
    values.frombytes(base64.b64decode(widths_b64, validate=True))
    if values.itemsize != 4 or len(codes) != len(values):
        raise ValueError("the widths do not match the codes")
    if sys.byteorder == "big":
        codes.byteswap()
        values.byteswap()
    return dict(zip(codes, values, strict=True))


def _parse(path: Path) -> tuple[dict, dict[int, int]]:
    """fpdf2's reading of a font file (what ``add_font`` does for each document): its metrics,
    and each character's width (those beyond the Basic Multilingual Plane left out)."""
    font = TTFFont(FPDF(), path, path.stem, "")
    font.ttfont.close()
    metrics = {name: getattr(font, name) for name in _METRICS}
    metrics["desc"] = {name: getattr(font.desc, name).value if name == "flags" else getattr(font.desc, name)
                       for name in _DESCRIPTOR_FIELDS}
    return metrics, {code: int(font.cw[code]) for code in font.cmap if code <= 0xFFFF}


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
    """A font subset and the font objects that go with it, each code point of the blocks
    being the code of its character: all compressed for embedding but the widths."""

    blocks: tuple[str, ...]
    compressed: bytes  # the font program (FontFile2)
    length: int  # its length uncompressed
    cid_to_gid: bytes  # CIDToGIDMap: two bytes per code, the glyph of the subset it shows
    widths: str  # the descendant font's /W array
    to_unicode: bytes  # ToUnicode CMap: each code's character

    def digest(self) -> str:
        return hashlib.sha256(b"\0".join((self.compressed, self.cid_to_gid, self.to_unicode,
                                           self.widths.encode()))).hexdigest()


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


_BINARY = ("compressed", "cid_to_gid", "to_unicode")


def _stored_subset(face: FontFace, blocks: tuple[str, ...]) -> Subset:
    path = face.store / f"{face.sha256[:32]}-{'+'.join(blocks)}.subset.json" if face.store else None
    stored = _load(path) if path else None
    if (stored is not None and stored.get("font") == face.sha256 and stored.get("format") == STORE_FORMAT
            and tuple(stored.get("blocks", ())) == blocks):
        try:
            found = Subset(blocks=blocks, length=int(stored["length"]), widths=str(stored["widths"]),
                           **{name: base64.b64decode(stored[name], validate=True) for name in _BINARY})
            if found.digest() == stored["sha256"]:
                return found
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
        log.warning("The stored subset %s is damaged; cutting it again", path)
    made = _make_subset(face, blocks)
    if path:
        _save(path, json.dumps({
            "format": STORE_FORMAT, "font": face.sha256, "blocks": list(blocks), "length": made.length,
            "widths": made.widths, "sha256": made.digest(),
            **{name: base64.b64encode(getattr(made, name)).decode() for name in _BINARY}}).encode())
    return made


_DROPPED_TABLES = [  # what fpdf2 drops from its own subsets (unused without text shaping, or colour)
    "FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC", "EBSC",
    "SVG ", "CPAL", "COLR"]

_TO_UNICODE = (
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
    "<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n"
    "/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n{blocks}endcmap\n"
    "CMapName currentdict /CMap defineresource pop\nend\nend"
)


def _make_subset(face: FontFace, blocks: tuple[str, ...]) -> Subset:
    font = TTFont(BytesIO(face.data), recalcTimestamp=False, recalcBBoxes=False)  # glyphs as in the file
    cmap = font.getBestCmap()
    codes = sorted(code for code in cmap if code in face.widths and block_of(code) in blocks)
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += _DROPPED_TABLES
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=sorted({cmap[code] for code in codes}))
    subsetter.subset(font)
    output = BytesIO()
    font.save(output)
    data = output.getvalue()
    cid_to_gid = bytearray(2 * (codes[-1] + 1))
    for code in codes:
        cid_to_gid[2 * code:2 * code + 2] = font.getGlyphID(cmap[code]).to_bytes(2, "big")
    font.close()
    # Each code is its character: what makes the text searchable and extractable.
    to_unicode = _TO_UNICODE.format(blocks=_build_cmap_blocks([f"<{code:04X}> <{code:04X}>\n" for code in codes],
                                                                "bfchar"))
    return Subset(blocks=blocks, compressed=zlib.compress(data), length=len(data),
                  cid_to_gid=zlib.compress(bytes(cid_to_gid)),
                  widths=_cid_font_widths({code: face.widths[code] for code in codes}),
                  to_unicode=zlib.compress(to_unicode.encode("latin-1")))


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


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields_of(cls: type) -> tuple[str, ...]:
    """The names of ``cls`` that fpdf2's reflection may write as dictionary entries: those it
    would not skip whatever the instance (private names, ``id``/``ref``, methods)."""
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple(name for name in dir(cls)
                                     if not name.startswith("_") and name not in ("id", "ref")
                                     and not callable(inspect.getattr_static(cls, name)))
    return found


def _reflected_obj_dict(obj: PDFObject, security_handler=None) -> dict:
    """``PDFObject._build_obj_dict`` without ``dir()`` of the object and a ``getattr`` of each of
    its methods: the same entries, in the same (sorted) order, from the class's names (found
    once) and the instance's own."""
    names = set(_fields_of(type(obj))).union(name for name in vars(obj) if not name.startswith("_"))
    return build_obj_dict({name: getattr(obj, name) for name in sorted(names)},
                          _security_handler=security_handler, _obj_id=obj.id)


class CertificateOutput(OutputProducer):
    """fpdf2's output, with the fonts of ``FontFace.attach`` embedded from the subset cache,
    and fpdf2's own objects written through a cheaper reflection (``_reflected_obj_dict``)."""

    def _add_pdf_obj(self, pdf_obj, trace_label=None):
        if type(pdf_obj)._build_obj_dict is PDFObject._build_obj_dict and hasattr(pdf_obj, "__dict__"):
            pdf_obj._build_obj_dict = partial(_reflected_obj_dict, pdf_obj)
        return super()._add_pdf_obj(pdf_obj, trace_label)

    def _add_fonts(self, image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name):
        font_objs_per_index = {}
        for font in sorted(self.fpdf.fonts.values(), key=lambda font: font.i):
            if not isinstance(font, StoredFont):
                raise ValueError(f"{font!r} was not attached from a FontFace")
            font_objs_per_index[font.i] = self._add_cached_font(font)
        return font_objs_per_index

    def _add_cached_font(self, font: StoredFont) -> PDFObject:
        if font.missing_glyphs:
            log.warning("Font %s has no glyph for %s", font.name, ", ".join(map(ascii, map(chr, font.missing_glyphs))))
        sub = subset(font.face, blocks_for(font.subset.used))
        fontname = f"/MPDFAA+{font.name}"

        def add(obj: _Object) -> _Object:
            self._add_pdf_obj(obj, "fonts")
            return obj

        composite = add(_Object({"/BaseFont": fontname, "/Encoding": "/Identity-H", "/Subtype": "/Type0",
                                 "/Type": "/Font"}))
        cid_font = add(_Object({"/BaseFont": fontname, "/DW": font.desc.missing_width, "/Subtype": "/CIDFontType2",
                                "/Type": "/Font", "/W": sub.widths}))
        composite.entries["/DescendantFonts"] = [cid_font]
        composite.entries["/ToUnicode"] = add(_Object({}, sub.to_unicode, compressed=True))
        cid_font.entries["/CIDSystemInfo"] = add(_Object(
            {"/Ordering": "(UCS)", "/Registry": "(Adobe)", "/Supplement": 0}))
        desc = font.desc
        descriptor = add(_Object({
            "/Ascent": desc.ascent, "/CapHeight": desc.cap_height, "/Descent": desc.descent,
            "/Flags": desc.flags.value, "/FontBBox": desc.font_b_box, "/FontName": fontname,
            "/ItalicAngle": desc.italic_angle, "/MissingWidth": desc.missing_width, "/StemV": desc.stem_v,
            "/Type": "/FontDescriptor"}))
        cid_font.entries["/FontDescriptor"] = descriptor
        cid_font.entries["/CIDToGIDMap"] = add(_Object({}, sub.cid_to_gid, compressed=True))
        descriptor.entries["/FontFile2"] = add(_Object({"/Length1": sub.length}, sub.compressed, compressed=True))
        return composite
