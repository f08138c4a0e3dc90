"""The certificate's QR code, drawn from a layout made once per symbol version.

A QR code of a given version, error correction level and mask is a fixed picture (finder,
timing and alignment patterns, format and version information) with the message's bits
placed in a fixed order over the remaining modules, each flipped where the mask says so.
segno builds all of that module by module in pure Python for every code; here segno's own
functions build the fixed part and the placement order once per (version, level), and a
code is then its message (byte mode, Reed–Solomon blocks interleaved) gathered into the
picture in one step. The result is the symbol ``segno.make(text, error="m", mode="byte",
mask=MASK, micro=False)`` makes (the tests compare them): byte mode, the smallest version
that holds the text at level M, the level raised as far as that version allows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from itertools import zip_longest
from operator import itemgetter

from PIL import Image
from segno import consts
from segno import encoder as segno_encoder

# Any of the eight masks gives a valid, equally error-corrected symbol; choosing one
# instead of scoring all eight spares most of a code's cost.
MASK = 2
BORDER = 4  # the quiet zone, in modules
_LEVELS = (consts.ERROR_LEVEL_L, consts.ERROR_LEVEL_M, consts.ERROR_LEVEL_Q, consts.ERROR_LEVEL_H)
_BYTE_MODE = 0b0100

# --- Reed–Solomon over GF(256), polynomial 0x11D ----------------------------------------------

_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _power in range(255):
    _EXP[_power] = _value
    _LOG[_value] = _power
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D
for _power in range(255, 512):
    _EXP[_power] = _EXP[_power - 255]
del _value, _power


def _generator(degree: int) -> list[int]:
    """The generator polynomial's coefficients after the leading 1, highest power first."""
    poly = [1]
    for root in range(degree):
        poly = [a ^ (_EXP[_LOG[b] + root] if b else 0) for a, b in zip([*poly, 0], [0, *poly], strict=True)]
    return poly[1:]


class _Remainders:
    """The error correction codewords of a block, for one number of them: the remainder
    register is an integer, and the feedback of each value (the generator times it) is made
    once and kept."""

    def __init__(self, degree: int) -> None:
        self.degree = degree
        self.logs = [_LOG[c] for c in _generator(degree)]
        self.feedback: dict[int, int] = {0: 0}
        self.top = 8 * (degree - 1)
        self.mask = (1 << 8 * degree) - 1

    def _feedback(self, factor: int) -> int:
        log = _LOG[factor]
        return int.from_bytes(bytes(_EXP[log + g] for g in self.logs), "big")

    def of(self, block: bytes) -> bytes:
        register, feedback = 0, self.feedback
        for byte in block:
            factor = (register >> self.top) ^ byte
            term = feedback.get(factor)
            if term is None:
                term = feedback[factor] = self._feedback(factor)
            register = ((register << 8) & self.mask) ^ term
        return register.to_bytes(self.degree, "big")


_remainders: dict[int, _Remainders] = {}

# --- layouts: one per version and level -----------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    version: int
    level: int
    capacity: int  # data codewords
    blocks: tuple[tuple[int, int], ...]  # (data codewords, error correction codewords) of each block
    remainder: int  # bits after the codewords
    size: int  # modules a side, with the quiet zone
    gather: itemgetter  # each module (quiet zone included, row by row) from the source string


_layouts: dict[tuple[int, int], _Layout] = {}
_lock = threading.Lock()


def _layout(version: int, level: int) -> _Layout:
    found = _layouts.get((version, level))
    if found is None:
        with _lock:
            found = _layouts.get((version, level))
            if found is None:
                found = _layouts[version, level] = _make_layout(version, level)
    return found


def _make_layout(version: int, level: int) -> _Layout:
    blocks = tuple((info.num_data, info.num_total - info.num_data)
                   for info in consts.ECC[version][level] for _ in range(info.num_blocks))
    codewords = sum(data + ec for data, ec in blocks)
    width = segno_encoder.calc_matrix_size(version)
    matrix = segno_encoder.make_matrix(width, width)
    segno_encoder.add_finder_patterns(matrix, width, width)
    segno_encoder.add_alignment_patterns(matrix, width, width)
    # The placement order, as segno places a message: each free module's bit number (segno
    # places into whatever the rows are; lists hold any number).
    free = [(i, j) for i in range(width) for j in range(width) if matrix[i][j] == 0x2]
    bits = len(free)
    trial = tuple(list(row) for row in matrix)
    segno_encoder.add_codewords(trial, range(bits), version)
    order = {(i, j): trial[i][j] for i, j in free}
    segno_encoder.add_format_info(matrix, version, level, MASK)
    segno_encoder.add_version_info(matrix, version)
    masked = segno_encoder.get_data_mask_functions(False)[MASK]
    # The source string is the message's bits (0/1), then their complements, then a light and a
    # dark module: a data module is its bit, or its complement where the mask flips it.
    light, dark = 2 * bits, 2 * bits + 1
    size = width + 2 * BORDER
    picture = []
    for i in range(-BORDER, width + BORDER):
        for j in range(-BORDER, width + BORDER):
            if not (0 <= i < width and 0 <= j < width):
                picture.append(light)
            elif (i, j) in order:
                picture.append(order[i, j] + (bits if masked(i, j) else 0))
            else:
                picture.append(dark if matrix[i][j] else light)
    capacity = sum(data for data, _ec in blocks)
    return _Layout(version=version, level=level, capacity=capacity, blocks=blocks,
                   remainder=bits - 8 * codewords, size=size, gather=itemgetter(*picture))


def _fits(version: int, level: int, data_bits: int) -> bool:
    return consts.SYMBOL_CAPACITY[version][level] >= data_bits


def _data_bits(length: int, version: int) -> int:
    return 4 + (8 if version < 10 else 16) + 8 * length


def layout_for(length: int) -> _Layout:
    """The layout for a message of ``length`` bytes: the smallest version at level M, the
    level then raised while that version still holds it."""
    for version in range(1, 41):
        if _fits(version, consts.ERROR_LEVEL_M, _data_bits(length, version)):
            break
    else:
        raise ValueError(f"{length} bytes do not fit in a QR code")
    level = consts.ERROR_LEVEL_M
    for better in _LEVELS[_LEVELS.index(level) + 1:]:
        if not _fits(version, better, _data_bits(length, version)):
            break
        level = better
    return _layout(version, level)


# --- one code -------------------------------------------------------------------------------

_BITS = [bytes((byte >> shift) & 1 for shift in range(7, -1, -1)) for byte in range(256)]
_NOT_BITS = [bytes(1 - bit for bit in bits) for bits in _BITS]
_PIXELS = bytes.maketrans(b"\x00\x01", b"\xff\x00")  # light modules white, dark ones black


def _message(data: bytes, layout: _Layout) -> bytes:
    """The final message: data codewords then error correction codewords, block-interleaved."""
    count_bits = 8 if layout.version < 10 else 16
    stream = (_BYTE_MODE << count_bits | len(data)) << 8 * len(data) | int.from_bytes(data, "big")
    used = 4 + count_bits + 8 * len(data)
    room = 8 * layout.capacity
    terminator = min(4, room - used)
    used += terminator
    # Up to the next codeword boundary; like segno, a whole zero codeword when the stream
    # already ends on one (decoders stop at the terminator, so it reads as padding).
    padding = min(8 - used % 8, room - used)
    stream <<= terminator + padding
    used += padding
    codewords = bytearray(stream.to_bytes(used // 8, "big"))
    pad = (0xEC, 0x11)
    codewords.extend(pad[n % 2] for n in range(layout.capacity - len(codewords)))
    data_blocks, ec_blocks, start = [], [], 0
    for length, ec in layout.blocks:
        block = bytes(codewords[start:start + length])
        start += length
        data_blocks.append(block)
        remainders = _remainders.get(ec)
        if remainders is None:
            remainders = _remainders.setdefault(ec, _Remainders(ec))
        ec_blocks.append(remainders.of(block))
    interleaved = bytearray()
    for blocks in (data_blocks, ec_blocks):
        interleaved.extend(byte for column in zip_longest(*blocks) for byte in column if byte is not None)
    return bytes(interleaved)


def encode(text: str) -> tuple[int, bytes]:
    """The modules of ``text``'s QR code with its quiet zone: the side, and one byte per module
    row by row, 1 for dark."""
    try:
        data = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    layout = layout_for(len(data))
    message = _message(data, layout)
    zeros = b"\x00" * layout.remainder
    source = b"".join((*map(_BITS.__getitem__, message), zeros, *map(_NOT_BITS.__getitem__, message),
                       b"\x01" * layout.remainder, b"\x00\x01"))
    return layout.size, bytes(layout.gather(source))


def image(text: str, module_pixels: int) -> Image.Image:
    """The QR code of ``text`` as a black-and-white image (8-bit grey) with its quiet zone,
    each module ``module_pixels`` square."""
    size, modules = encode(text)
    picture = Image.frombytes("L", (size, size), modules.translate(_PIXELS))
    return picture.resize((size * module_pixels, size * module_pixels), Image.Resampling.NEAREST)
