"""The Moodle XML reader: Moodle's fixture question by question, every supported type,
embedded images, unsupported types named and skipped, and malformed files refused."""

from __future__ import annotations

import base64

from lms.quizzes.moodlexml import parse_moodle_xml
from tests.quizzes.conftest import moodle_fixture

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
PDF = b"%PDF-1.4 not an image"


def xml(*questions: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n").encode()


def question(qtype: str, name: str, body: str, text: str = "Question text") -> str:
    return (f'<question type="{qtype}">\n<name><text>{name}</text></name>\n'
            f'<questiontext format="html"><text><![CDATA[{text}]]></text></questiontext>\n{body}\n</question>')


def test_nested_categories_fixture_question_by_question():
    result = parse_moodle_xml(moodle_fixture("nested_categories_with_questions.xml").read_bytes())
    assert result.errors == [] and result.skipped == []
    assert [(c.path, c.line) for c in result.categories] == [
        ("Iota", 4), ("Iota/Kappa", 44), ("Iota/Kappa/Lambda", 112), ("Iota/Mu", 152)]
    assert result.categories[0].info == "This is Iota category for test"
    assert [(q.line, q.name, q.qtype, q.category) for q in result.questions] == [
        (15, "Iota Question", "true_false", "Iota"),
        (55, "Kappa Essay Question", "essay", "Iota/Kappa"),
        (83, "Kappa Question", "true_false", "Iota/Kappa"),
        (123, "Lambda Question", "true_false", "Iota/Kappa/Lambda"),
        (163, "Mu Question", "true_false", "Iota/Mu"),
    ]
    iota = result.questions[0]
    assert iota.text == "<p>Testing Iota Question</p>"
    assert iota.options["correct"] is True
    essay = result.questions[1]
    assert essay.text == "Testing Kappa Essay Question" and essay.options["lines"] == 10


def test_every_supported_type_is_read():
    data = xml(
        question("multichoice", "Single", """<single>true</single><shuffleanswers>0</shuffleanswers>
            <answer fraction="100" format="html"><text>Right</text><feedback><text>Yes</text></feedback></answer>
            <answer fraction="0" format="html"><text>Wrong</text><feedback><text>No</text></feedback></answer>"""),
        question("multichoice", "Multi", """<single>false</single>
            <answer fraction="50"><text>A</text></answer><answer fraction="50"><text>B</text></answer>
            <answer fraction="-100"><text>C</text></answer>"""),
        question("shortanswer", "Short", """<usecase>1</usecase>
            <answer fraction="100"><text>Paris</text><feedback><text>Good</text></feedback></answer>
            <answer fraction="50"><text>par*</text></answer>"""),
        question("numerical", "Number", """
            <answer fraction="100"><text>1822</text><tolerance>0</tolerance></answer>
            <answer fraction="50"><text>1822</text><tolerance>2</tolerance></answer>
            <answer fraction="0"><text>*</text><feedback><text>Way off</text></feedback></answer>"""),
        question("matching", "Match", """<shuffleanswers>true</shuffleanswers>
            <subquestion format="html"><text>Canada</text><answer><text>Ottawa</text></answer></subquestion>
            <subquestion format="html"><text>Italy</text><answer><text>Rome</text></answer></subquestion>
            <subquestion format="html"><text></text><answer><text>Paris</text></answer></subquestion>"""),
        question("truefalse", "TF", """
            <answer fraction="0"><text>true</text><feedback><text>Not true</text></feedback></answer>
            <answer fraction="100"><text>false</text><feedback><text>Indeed false</text></feedback></answer>"""),
        question("description", "Intro", "", text="Read this first."),
    )
    result = parse_moodle_xml(data)
    assert result.errors == [] and result.skipped == []
    single, multi, short, number, match, tf, intro = result.questions
    assert (single.qtype, single.options["shuffle"]) == ("single_choice", False)
    assert [(a.text, a.fraction, a.feedback) for a in single.answers] == [("Right", 1.0, "Yes"), ("Wrong", 0.0, "No")]
    assert multi.qtype == "multiple_response" and [a.fraction for a in multi.answers] == [0.5, 0.5, -1.0]
    assert short.options["case_sensitive"] is True and [a.text for a in short.answers] == ["Paris", "par*"]
    assert [(a.low, a.high, a.fraction) for a in number.answers] == [
        (1822, 1822, 1.0), (1820, 1824, 0.5), (None, None, 0.0)]
    assert [(a.text, a.match) for a in match.answers] == [("Canada", "Ottawa"), ("Italy", "Rome"), ("", "Paris")]
    assert tf.options == {"correct": False, "feedback_true": "Not true", "feedback_false": "Indeed false"}
    assert intro.qtype == "description" and intro.default_mark == 0


def test_unsupported_types_are_named_and_skipped_with_their_line():
    data = xml(
        question("truefalse", "Kept", '<answer fraction="100"><text>true</text></answer>'
                                      '<answer fraction="0"><text>false</text></answer>'),
        question("calculated", "Area", "<answer fraction='100'><text>{r}*{r}*3.14</text></answer>"),
        question("multianswer", "Cloze", ""),
        question("ddwtos", "Drag", ""),
    )
    result = parse_moodle_xml(data)
    assert [q.name for q in result.questions] == ["Kept"]
    assert [(s.line, s.name, s.qtype) for s in result.skipped] == [
        (8, "Area", "calculated"), (13, "Cloze", "multianswer"), (18, "Drag", "ddwtos")]
    assert "'calculated' is not supported" in result.skipped[0].reason
    assert "cloze" in result.skipped[1].reason
    assert "drag and drop" in result.skipped[2].reason


def test_embedded_images_are_kept_and_linked():
    encoded = base64.b64encode(PNG).decode()
    data = xml(question("truefalse", "Picture", """
        <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>""",
        text=f'<p>Look: <img src="@@PLUGINFILE@@/cell%20plan.png" alt="plan"></p>]]></text>'
             f'<file name="cell plan.png" path="/" encoding="base64">{encoded}</file><text><![CDATA['))
    result = parse_moodle_xml(data)
    assert result.errors == [] and result.skipped == []
    picture = result.questions[0]
    assert len(picture.files) == 1 and picture.files[0].mime == "image/png" and picture.files[0].data == PNG
    assert f'src="/quizzes/files/{picture.files[0].sha256}/cell%20plan.png"' in picture.text


def test_an_embedded_file_that_is_not_an_image_skips_its_question_with_the_reason():
    encoded = base64.b64encode(PDF).decode()
    data = xml(question("essay", "With a PDF", "",
                        text=f'See the file.]]></text><file name="case.pdf" path="/" encoding="base64">{encoded}'
                             f'</file><text><![CDATA['))
    result = parse_moodle_xml(data)
    assert result.questions == []
    assert result.skipped[0].name == "With a PDF"
    assert "case.pdf" in result.skipped[0].reason and "not an image" in result.skipped[0].reason


def test_malformed_xml_is_an_error_with_its_line():
    result = parse_moodle_xml(b'<?xml version="1.0"?>\n<quiz>\n<question type="truefalse">\n<name>\n</quiz>\n')
    assert len(result.errors) == 1
    assert result.errors[0].line == 5 and "malformed" in result.errors[0].message


def test_a_doctype_with_entities_is_refused():
    result = parse_moodle_xml(b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]>\n<quiz>&a;</quiz>')
    assert result.errors and "DOCTYPE" in result.errors[0].message


def test_a_file_that_is_not_a_question_export_is_an_error():
    result = parse_moodle_xml(b"<html><body>hello</body></html>")
    assert "starts with <quiz>" in result.errors[0].message


def test_html_is_sanitised():
    data = xml(question("truefalse", "Script", '<answer fraction="100"><text>true</text></answer>'
                                                '<answer fraction="0"><text>false</text></answer>',
                        text='<p onclick="steal()">Hi<script>alert(1)</script></p>'))
    text = parse_moodle_xml(data).questions[0].text
    assert text == "<p>Hi</p>"
