"""A trainee of each beneficiary's group, reading in its language, completes the course end to
end and downloads a certificate in that language, named in plain Latin letters."""

from __future__ import annotations

import re

import pytest

from tests.certificates.conftest import pdf_text
from tests.conftest import login

# language, the beneficiary whose group reads it, the holder, the file name, the lesson, the title
GROUPS = [
    ("en", "XK", "Ëndrit Çela", "Endrit Cela", "Officers who talk with prisoners",
     "Dynamic security in everyday prison work"),
    ("sq", "AL", "Ëndrit Çela", "Endrit Cela", "Nëpunësit që flasin çdo ditë",
     "Siguria dinamike në punën e përditshme në burg"),
    ("bs", "BA", "Đorđe Šćekić", "Dorde Scekic", "rano primijete promjene",
     "Dinamička sigurnost u svakodnevnom radu u zatvoru"),
    ("sr_Latn", "RS", "Đorđe Šćekić", "Dorde Scekic", "rano primete promene",
     "Dinamička bezbednost u svakodnevnom radu u zatvoru"),
    ("sr_Cyrl", "RS", "Ђорђе Шћекић", "Dorde Scekic", "рано примете промене",
     "Динамичка безбедност у свакодневном раду у затвору"),
    ("mk", "MK", "Ѓорѓи Ќосевски", "Gjorgji Kjosevski", "рано ги забележуваат промените",
     "Динамичка безбедност во секојдневната работа во затворот"),
    ("cnr", "ME", "Đorđe Šćekić", "Dorde Scekic", "rano primijete promjene",
     "Dinamička bezbjednost u svakodnevnom radu u zatvoru"),
]


@pytest.mark.parametrize(("language", "beneficiary", "holder", "plain", "text", "title"), GROUPS,
                         ids=[group[0] for group in GROUPS])
def test_each_beneficiarys_group_learns_and_is_certified_in_its_own_language(
        client, session, courses, make_user, make_cohort, add_member,
        language, beneficiary, holder, plain, text, title):
    course = courses["seven-languages"]
    assert course.complete_languages == ["en", "sq", "bs", "sr_Latn", "sr_Cyrl", "mk", "cnr"]
    cohort = make_cohort(course=course, beneficiary=beneficiary, language=language)
    trainee, _enrolment = add_member(cohort, full_name=holder, language=language)
    login(client, trainee)

    lesson = client.get("/courses/seven-languages/only/talk").get_data(as_text=True)
    assert text in lesson and "class=\"notice\"" not in lesson  # in the group's language: no fallback notice
    done = client.form(re.search(r'action="(/courses/seven-languages/lessons/\d+/done)"', lesson).group(1))
    assert done.status_code == 302

    dashboard = client.get("/dashboard").get_data(as_text=True)
    pdf = client.get(re.search(r'href="(/certificates/\d+\.pdf)"', dashboard).group(1))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    printed = pdf_text(pdf.data)
    assert holder in printed and title in printed
    file_name = re.search(r'filename="?([^";]+)', pdf.headers["Content-Disposition"]).group(1)
    assert file_name.startswith(f"{plain} ") and file_name.endswith(".pdf") and file_name.isascii()
