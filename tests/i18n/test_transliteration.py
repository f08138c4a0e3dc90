"""Serbian Cyrillic written from Serbian Latin: letters, digraphs, and everything that stays Latin."""

from __future__ import annotations

import shutil

import pytest
import yaml

from lms.core.catalogues import cyrillic_catalogue, po_path, read_catalogue
from lms.core.transliteration import (
    content_changes,
    to_cyrillic,
    transliterate_content,
    yaml_to_cyrillic,
)
from tests.conftest import FIXTURES


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("Čačak, Ćuprija, Đakovica, Šabac, Žabalj", "Чачак, Ћуприја, Ђаковица, Шабац, Жабаљ"),
    ("ljudi, njiva, džep", "људи, њива, џеп"),
    ("Ljiljana, Njegoš, Džemal", "Љиљана, Његош, Џемал"),
    ("LJUDSKA PRAVA, NJIHOVI, DŽEP", "ЉУДСКА ПРАВА, ЊИХОВИ, ЏЕП"),
    ("konjunkcija, injekcija, nadživeti, odžaliti, podžupan", "конјункција, инјекција, надживети, оджалити, поджупан"),
    ("neka dâ komentar; kôd", "нека да\u0302 коментар; ко\u0302д"),
])
def test_letters_and_digraphs(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("program P/CVE, alat VERA-2R i ERG22+, SPJ, RNR, CPT", "програм P/CVE, алат VERA-2R и ERG22+, SPJ, RNR, CPT"),
    ("UNSCR 1244, ICJ, ECHR, ali EKLJP i UN", "UNSCR 1244, ICJ, ECHR, али ЕКЉП и УН"),
    ("preporuka CM/Rec(2010)1 i Rec(2006)2-rev.", "препорука CM/Rec(2010)1 и Rec(2006)2-rev."),
    ("U predmetu Ramirez Sanchez v. France (2006) i Handyside v. the United Kingdom",
     "У предмету Ramirez Sanchez v. France (2006) и Handyside v. the United Kingdom"),
    ("*Jakóbski v. Poland* i Wi-Fi", "*Jakóbski v. Poland* и Wi-Fi"),
    ("XXI vek, član IV, I to", "XXI век, члан IV, И то"),
    ("HELP kursevi, PDF i CSV", "HELP курсеви, PDF и CSV"),
])
def test_what_stays_latin(latin, cyrillic):
    assert to_cyrillic(latin, "markdown") == cyrillic


def test_catalogue_messages_keep_placeholders_and_markup():
    text = 'Ocenio/la {tutor}, %(num)s boda — <a href="/verify/{code}" title="x">proveri</a> na https://lms.example/a, pišite help@example.org'
    assert to_cyrillic(text, "po") == (
        'Оценио/ла {tutor}, %(num)s бода — <a href="/verify/{code}" title="x">провери</a> на '
        'https://lms.example/a, пишите help@example.org')
    assert to_cyrillic("100% sigurno", "po") == "100% сигурно"


def test_markdown_keeps_link_targets_code_and_reference_definitions():
    text = ("Pročitajte [smernice](https://www.coe.int/en/web/prison \"naslov\") i `lms content check`.\n\n"
            "```\nkod ostaje\n```\n\n[ref]: https://example.org/ljudi\nVidi [ovde][ref].\n")
    assert to_cyrillic(text, "markdown") == (
        "Прочитајте [смернице](https://www.coe.int/en/web/prison \"naslov\") и `lms content check`.\n\n"
        "```\nkod ostaje\n```\n\n[ref]: https://example.org/ljudi\nВиди [овде][ref].\n")


def test_gift_keeps_names_markers_weights_escapes_and_true_false_keys():
    text = ("// komentar\n$CATEGORY: modul/jedan\n::q1:: [markdown]Koji član? {\n  =Član 3#Tačno.\n"
            "  ~%-50%Član 10\\: sloboda#Ne.\n}\n::q2:: Tačno? {T#Netačno.#Tačno.}\n::q3:: Poveži. {\n"
            "  =Član 3 -> Zabrana mučenja\n  ####Opšta povratna informacija\\{ \\}\n}\n::q4:: Godina? {#2016:0}\n")
    assert to_cyrillic(text, "gift") == (
        "// komentar\n$CATEGORY: modul/jedan\n::q1:: [markdown]Који члан? {\n  =Члан 3#Тачно.\n"
        "  ~%-50%Члан 10\\: слобода#Не.\n}\n::q2:: Тачно? {T#Нетачно.#Тачно.}\n::q3:: Повежи. {\n"
        "  =Члан 3 -> Забрана мучења\n  ####Општа повратна информација\\{ \\}\n}\n::q4:: Година? {#2016:0}\n")


def test_yaml_gets_a_cyrillic_entry_beside_every_latin_one_keeping_its_layout():
    text = ("# a comment stays\nslug: x\nlanguages: [en, sr_Latn]\ntitle:\n  en: Rights\n  sr_Latn: Ljudska prava\n"
            "summary:\n  en: >-\n    Long.\n  sr_Latn: >-\n    Dugačak tekst\n    u dva reda.\n"
            "modules:\n  - title: {en: One, sr_Latn: \"Jedan: prvi\"}\n")
    result = yaml_to_cyrillic(text, course_file=True)
    assert result == ("# a comment stays\nslug: x\nlanguages: [en, sr_Latn, sr_Cyrl]\ntitle:\n  en: Rights\n"
                      "  sr_Latn: Ljudska prava\n  sr_Cyrl: Људска права\nsummary:\n  en: >-\n    Long.\n"
                      "  sr_Latn: >-\n    Dugačak tekst\n    u dva reda.\n  sr_Cyrl: >-\n    Дугачак текст\n"
                      "    у два реда.\nmodules:\n  - title: {en: One, sr_Latn: \"Jedan: prvi\", sr_Cyrl: \"Један: први\"}\n")
    assert yaml.safe_load(result)["summary"]["sr_Cyrl"] == "Дугачак текст у два реда."
    assert yaml_to_cyrillic(result, course_file=True) == result  # a second run changes nothing


def test_yaml_rewrites_an_old_cyrillic_entry_and_declares_the_language_in_a_block_list():
    text = "languages:\n  - en\n  - sr_Latn\ntitle:\n  sr_Cyrl: Стари наслов\n  sr_Latn: Novi naslov\n  en: New\n"
    assert yaml_to_cyrillic(text, course_file=True) == (
        "languages:\n  - en\n  - sr_Latn\n  - sr_Cyrl\ntitle:\n  sr_Cyrl: Нови наслов\n  sr_Latn: Novi naslov\n  en: New\n")
    assert "sr_Cyrl" not in yaml_to_cyrillic("languages: [en, sr_Latn]\n", course_file=False).split("]")[0]


def test_content_folders_get_cyrillic_twins_and_lose_orphans(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "i18n", root)
    (root / "serbian-scripts" / "rights" / "echr.sr_Cyrl.md").unlink()
    (root / "serbian-scripts" / "rights" / "old.sr_Cyrl.md").write_text("Стари текст\n")
    changes = {change.path.name: change for change in content_changes(root)}
    assert set(changes) == {"echr.sr_Cyrl.md", "old.sr_Cyrl.md"}
    assert changes["old.sr_Cyrl.md"].text is None
    transliterate_content(root)
    assert content_changes(root) == []
    assert (root / "serbian-scripts" / "rights" / "echr.sr_Cyrl.md").read_text().startswith("## Две врсте права")


def test_the_cyrillic_catalogue_has_every_message_plural_form_and_comment_of_the_latin_one():
    latin = read_catalogue(po_path("sr_Latn"), "sr_Latn")
    cyrillic = cyrillic_catalogue(latin)
    assert cyrillic.locale_identifier == "sr_Cyrl" and cyrillic.plural_forms == latin.plural_forms
    pairs = {m.id: m for m in latin if m.id}
    for message in cyrillic:
        if not message.id:
            continue
        original = pairs.pop(message.id)
        assert message.auto_comments == original.auto_comments
        if isinstance(original.string, tuple):
            assert len(message.string) == len(original.string) == 3
    assert not pairs
    assert cyrillic.get("Sign in").string == "Пријава"
