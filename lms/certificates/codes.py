"""Verification codes: 80 random bits, typed as four groups of four base32 characters.

Crockford's alphabet leaves out I, L, O and U, so a code read off paper cannot be
mistyped into another valid code by confusing 1/I/L or 0/O; what a person types is
upper-cased, stripped of spaces and dashes, and those look-alikes are mapped back.
The code is drawn from ``secrets`` and owes nothing to any database id.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # 16 × 5 bits = 80 bits
GROUP = 4
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def generate_code() -> str:
    """A new code in its stored form: 16 characters, no dashes."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str | None) -> str | None:
    """The stored form of what someone typed, or None when it cannot be a code at all."""
    if not text:
        return None
    compact = _SEPARATORS.sub("", text).upper().translate(_LOOK_ALIKES)
    return compact if _VALID.match(compact) else None


def format_code(code: str) -> str:
    """``K7QM3XJD9PRAT2HC`` → ``K7QM-3XJD-9PRA-T2HC``."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))
