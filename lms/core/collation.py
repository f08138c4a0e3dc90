"""Alphabetical order as each language's readers expect it.

Code-point order puts č, ć, đ, š, ž after z and scatters the Cyrillic letters ђ, ј, љ,
њ, ћ, џ; a glossary sorted that way looks broken. Each alphabet below is the language's
own, digraphs included (Albanian dh, gj, ll, nj, rr, sh, th, xh, zh; Serbian and Bosnian
dž, lj, nj), so "džep" follows "d…" words and "shkëputje" follows every other "s…".
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_SOUTH_SLAVIC_LATIN = "a b c č ć d dž đ e f g h i j k l lj m n nj o p r s š t u v z ž"
ALPHABETS = {
    "en": "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    "sq": "a b c ç d dh e ë f g gj h i j k l ll m n nj o p q r rr s sh t th u v x xh y z zh",
    "bs": _SOUTH_SLAVIC_LATIN,
    "sr_Latn": _SOUTH_SLAVIC_LATIN,
    "cnr": "a b c č ć d dž đ e f g h i j k l lj m n nj o p r s š ś t u v z ž ź",
    "sr_Cyrl": "а б в г д ђ е ж з и ј к л љ м н њ о п р с т ћ у ф х ц ч џ ш",
    "mk": "а б в г д ѓ е ж з ѕ и ј к л љ м н њ о п р с т ќ у ф х ц ч џ ш",
}


def fold(text: str) -> str:
    """Lower case without accents, for matching what someone typed ("cetiri" finds "četiri")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=16)
def _alphabet(language: str) -> tuple[tuple[str, ...], dict[str, int]]:
    letters = ALPHABETS.get(language, ALPHABETS["en"]).split()
    # Letters of the other alphabets sort after this one's, in their own order.
    extra = [letter for code in ALPHABETS for letter in ALPHABETS[code].split() if letter not in letters]
    order = {letter: index for index, letter in enumerate(letters + list(dict.fromkeys(extra)))}
    return tuple(sorted(order, key=len, reverse=True)), order


def sort_key(text: str, language: str) -> tuple:
    """A key that sorts ``text`` in ``language``'s alphabetical order."""
    units, order = _alphabet(language)
    folded = unicodedata.normalize("NFC", text.casefold())
    key = []
    index = 0
    while index < len(folded):
        for unit in units:
            if folded.startswith(unit, index):
                key.append((1, order[unit]))
                index += len(unit)
                break
        else:
            char = folded[index]
            base = fold(char)
            if base in order:
                key.append((1, order[base]))
            elif char.isdigit():
                key.append((0, ord(char)))  # digits before letters
            elif char.isspace() or not char.isalnum():
                key.append((0, 0))  # spaces and punctuation before anything
            else:
                key.append((2, ord(char)))
            index += 1
    return tuple(key), text
