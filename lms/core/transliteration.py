"""Serbian in two scripts: write the Cyrillic text from the Latin one.

``make translations`` runs this over the ``sr_Latn`` catalogue and course content, so
translators write Serbian once. Letters map one to one and the digraphs lj, nj, dž become
љ, њ, џ; what must stay Latin (placeholders, markup, links, foreign names and
abbreviations) is set aside first. The rules that are data — the words that stay Latin and
the words where n+j, l+j, d+ž are two letters — live in ``translations/transliteration.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from lms.config import PROJECT_ROOT

RULES_FILE = PROJECT_ROOT / "translations" / "transliteration.yaml"
LATIN, CYRILLIC = "sr_Latn", "sr_Cyrl"

_LETTERS = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж", strict=True))
_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ"}
_SERBIAN_LATIN = set(_LETTERS) | {letter.upper() for letter in _LETTERS}
_CIRCUMFLEX = "\u0302"
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
# A word, hyphenated compounds whole: "Wi-Fi" is foreign as a whole, "e-pošta" Serbian.
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# What is never text, in every kind of file.
_ALWAYS = [
    r"<[A-Za-z/!?][^<>]*>",                         # HTML tags and their attributes, autolinks
    r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);",         # entities
    r"\b(?:https?|ftp)://[^\s<>\"'\]\[)]+",         # URLs
    r"\bwww\.[^\s<>\"'\]\[)]+",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",                # e-mail addresses
    # A case of the European Court of Human Rights: "Ramirez Sanchez v. France".
    r"(?<![^\W_])(?:[A-ZČĆŽŠĐ][^\W\d_]*\s+){1,4}v\.\s+(?:the\s+)?[A-ZČĆŽŠĐ][^\W\d_]*"
    r"(?:\s+(?:(?:and|of|the)\s+)?[A-ZČĆŽŠĐ][^\W\d_]*)*",
]
# gettext messages: Python placeholders.
_PO = [
    r"\{[A-Za-z_]?[\w.]*(?:![rsa])?(?::[^{}]*)?\}",
    r"%(?:\([\w]+\))?[#0+-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]",
]
# Markdown: code, link targets and reference labels.
_MARKDOWN = [
    r"(?ms:^[ \t]*(?P<fence>```|~~~).*?^[ \t]*(?P=fence)[^\n]*$)",
    r"`[^`\n]+`",
    r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)",
    r"\]\[[^\]\n]*\]",
    r"(?m:^[ \t]{0,3}\[[^\]\n]+\]:[^\n]*$)",
]
# GIFT (Moodle's quiz format): names, categories, comments, format tags, escapes, T/F keys.
_GIFT = [
    r"::.*?::",
    r"(?m:^[ \t]*\$CATEGORY:[^\n]*$)",
    r"(?m:^[ \t]*//[^\n]*$)",
    r"\[(?:html|markdown|plain|moodle)\]",
    r"\\.",
    r"(?<=\{)\s*(?:TRUE|FALSE|T|F)(?=\s*[#}])",
]
# YAML: escapes of double-quoted scalars.
_YAML = [r"\\."]

MODES = {
    "plain": _ALWAYS,
    "po": _ALWAYS + _PO,
    "markdown": _ALWAYS + _MARKDOWN,
    "gift": _ALWAYS + _MARKDOWN + _GIFT,
    "yaml": _ALWAYS + _MARKDOWN + _YAML,
}


@dataclass(frozen=True)
class Rules:
    keep_latin: tuple[str, ...]
    patterns: tuple[str, ...]
    # (fragment in lower case, index in it where the second letter of a non-digraph starts)
    splits: tuple[tuple[str, int], ...]


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> Rules:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    splits = []
    for entry in data.get("split_digraphs") or []:
        before, bar, after = str(entry).lower().partition("|")
        if bar:
            splits.append((before + after, len(before)))
    return Rules(tuple(str(w) for w in data.get("keep_latin") or ()),
                 tuple(str(p) for p in data.get("keep_latin_patterns") or ()), tuple(splits))


@lru_cache(maxsize=16)
def _protector(mode: str, rules: Rules) -> re.Pattern:
    words = sorted(rules.keep_latin, key=len, reverse=True)
    parts = list(MODES[mode]) + list(rules.patterns)
    if words:
        parts.append(r"(?<![^\W_])(?:" + "|".join(re.escape(w) for w in words) + r")(?![^\W_])")
    return re.compile("|".join(f"(?:{part})" for part in parts))


def _convert_word(word: str, rules: Rules) -> str:
    if "-" in word:
        if any(ch not in _SERBIAN_LATIN for ch in word.replace("-", "")):
            return word
        return "-".join(_convert_word(part, rules) for part in word.split("-"))
    if any(ch not in _SERBIAN_LATIN for ch in word):
        decomposed = unicodedata.normalize("NFD", word)
        if _CIRCUMFLEX in decomposed and all(ch in _SERBIAN_LATIN or ch == _CIRCUMFLEX for ch in decomposed):
            # Serbian marks a long vowel with a circumflex (dâ, kôd): keep the mark on the Cyrillic
            return _CIRCUMFLEX.join(_convert_word(part, rules) for part in decomposed.split(_CIRCUMFLEX))
        return word  # a foreign word (Jakóbski, Wi-Fi) or already Cyrillic
    if len(word) > 1 and word.isupper() and set(word) <= set("IVX") and _ROMAN.fullmatch(word):
        return word  # a Roman numeral
    lower = word.lower()
    split_at = set()
    for fragment, at in rules.splits:
        start = lower.find(fragment)
        while start >= 0:
            split_at.add(start + at)
            start = lower.find(fragment, start + 1)
    out = []
    index = 0
    while index < len(word):
        pair = lower[index:index + 2]
        if pair in _DIGRAPHS and index + 1 not in split_at:
            letter = _DIGRAPHS[pair]
            out.append(letter.upper() if word[index].isupper() else letter)
            index += 2
            continue
        letter = _LETTERS[lower[index]]
        out.append(letter.upper() if word[index].isupper() else letter)
        index += 1
    return "".join(out)


def _convert_text(text: str, rules: Rules) -> str:
    return _WORD.sub(lambda match: _convert_word(match.group(), rules), text)


def to_cyrillic(text: str, mode: str = "plain", rules: Rules | None = None) -> str:
    """Serbian Latin → Cyrillic; ``mode`` says which markup to leave alone (see ``MODES``)."""
    if not text:
        return text
    rules = rules or load_rules()
    text = unicodedata.normalize("NFC", text)
    out = []
    position = 0
    for match in _protector(mode, rules).finditer(text):
        if match.start() == match.end():
            continue
        out.append(_convert_text(text[position:match.start()], rules))
        out.append(match.group())
        position = match.end()
    out.append(_convert_text(text[position:], rules))
    return "".join(out)


# --- YAML locale maps ----------------------------------------------------------------

def _value_end(text: str, node) -> int:
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _line_prefix(text: str, index: int) -> str:
    return text[text.rfind("\n", 0, index) + 1:index]


def _yaml_edits(text: str, node, edits: list, *, top: bool, course_file: bool, rules: Rules) -> None:
    if isinstance(node, yaml.MappingNode):
        keys = {key.value: (key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)}
        latin = keys.get(LATIN)
        if latin is not None and isinstance(latin[1], yaml.ScalarNode):
            key, value = latin
            end = _value_end(text, value)
            entry = CYRILLIC + to_cyrillic(text[key.end_mark.index:end], "yaml", rules)
            existing = keys.get(CYRILLIC)
            if existing is not None:
                edits.append((existing[0].start_mark.index, _value_end(text, existing[1]), entry))
            elif node.flow_style:
                edits.append((end, end, ", " + entry))
            else:
                edits.append((end, end, "\n" + " " * key.start_mark.column + entry))
        for key, value in node.value:
            if top and course_file and isinstance(key, yaml.ScalarNode) and key.value == "languages":
                _add_cyrillic_language(text, value, edits)
            _yaml_edits(text, value, edits, top=False, course_file=course_file, rules=rules)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _yaml_edits(text, item, edits, top=False, course_file=course_file, rules=rules)


def _add_cyrillic_language(text: str, node, edits: list) -> None:
    """A course complete in Serbian Latin is complete in Cyrillic too: declare it."""
    if not isinstance(node, yaml.SequenceNode):
        return
    items = [item for item in node.value if isinstance(item, yaml.ScalarNode)]
    codes = [item.value for item in items]
    if LATIN not in codes or CYRILLIC in codes:
        return
    latin = items[codes.index(LATIN)]
    end = latin.end_mark.index
    if node.flow_style:
        edits.append((end, end, ", " + CYRILLIC))
    else:
        edits.append((end, end, "\n" + _line_prefix(text, latin.start_mark.index) + CYRILLIC))


def yaml_to_cyrillic(text: str, *, course_file: bool = False, rules: Rules | None = None) -> str:
    """Add (or rewrite) an ``sr_Cyrl`` entry beside every ``sr_Latn`` one, keeping the layout."""
    rules = rules or load_rules()
    if LATIN not in text:
        return text
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        return text
    edits: list[tuple[int, int, str]] = []
    _yaml_edits(text, root, edits, top=True, course_file=course_file, rules=rules)
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


# --- content folders -----------------------------------------------------------------

TEXT_FILES = {".md": "markdown", ".gift": "gift"}


@dataclass(frozen=True)
class Change:
    path: Path
    text: str | None  # None: the file is to be removed (its Latin original is gone)
    reason: str


def content_changes(root: Path, rules: Rules | None = None) -> list[Change]:
    """What transliterating ``root`` would write, without writing anything."""
    rules = rules or load_rules()
    root = Path(root)
    changes: list[Change] = []
    if not root.is_dir():
        return changes
    for path in sorted(root.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        suffix = path.suffix
        stem = path.name[: -len(suffix)] if suffix else path.name
        if suffix in TEXT_FILES and stem.endswith("." + LATIN):
            target = path.with_name(stem[: -len(LATIN)] + CYRILLIC + suffix)
            wanted = to_cyrillic(path.read_text(encoding="utf-8"), TEXT_FILES[suffix], rules)
            if not target.is_file() or target.read_text(encoding="utf-8") != wanted:
                changes.append(Change(target, wanted, f"from {path.name}"))
        elif suffix in TEXT_FILES and stem.endswith("." + CYRILLIC):
            source = path.with_name(stem[: -len(CYRILLIC)] + LATIN + suffix)
            if not source.is_file():
                changes.append(Change(path, None, f"{source.name} is gone"))
        elif suffix in (".yaml", ".yml"):
            original = path.read_text(encoding="utf-8")
            try:
                wanted = yaml_to_cyrillic(original, course_file=path.name == "course.yaml", rules=rules)
            except yaml.YAMLError:
                continue  # `lms content check` reports broken YAML
            if wanted != original:
                changes.append(Change(path, wanted, "sr_Cyrl entries"))
    return changes


def transliterate_content(root: Path, rules: Rules | None = None) -> list[Change]:
    """Write the Cyrillic files of ``root``; return what changed."""
    changes = content_changes(root, rules)
    for change in changes:
        if change.text is None:
            change.path.unlink()
        else:
            change.path.write_text(change.text, encoding="utf-8")
    return changes


# --- any name → plain Latin letters (file names) ----------------------------------------

_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "d", "е": "e", "ж": "z", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "c", "џ": "dz", "ш": "s", "ѓ": "gj", "ќ": "kj", "ѕ": "dz", "й": "j", "ы": "y", "э": "e",
    "ю": "ju", "я": "ja", "щ": "sc", "ё": "jo", "ъ": "", "ь": "", "і": "i", "ї": "ji", "є": "je",
}
# Latin letters that are not a base letter with a mark (NFKD cannot take them apart).
_LATIN_LETTERS = {"đ": "d", "ł": "l", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ħ": "h", "ı": "i", "þ": "th"}


def _plain_letter(char: str, following: str) -> str:
    lower = char.lower()
    plain = _CYRILLIC_TO_LATIN.get(lower, _LATIN_LETTERS.get(lower))
    if plain is None:
        return char
    if char != lower and plain:  # Љубица → Ljubica; ЉУБИЦА → LJUBICA
        return plain.upper() if following.isupper() else plain[0].upper() + plain[1:]
    return plain


def to_plain_latin(text: str) -> str:
    """Any name in Latin or Cyrillic letters as plain ASCII Latin, for file names:
    Đorđe Šćekić → Dorde Scekic, Јелена Ђукић → Jelena Dukic, Ëndrit Çela → Endrit Cela.

    A name gets the same file name in either Serbian script: ђ is d as đ is (Ђорђе → Dorde),
    џ is dz as dž is.
    """
    text = unicodedata.normalize("NFC", text)
    letters = "".join(_plain_letter(char, text[i + 1:i + 2]) for i, char in enumerate(text))
    decomposed = unicodedata.normalize("NFKD", letters)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).encode(
        "ascii", "ignore").decode("ascii")
