"""Locators that say what they point at, and quotes found by them in local texts."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from chrono.cli import main
from chrono.model.locators import Locator, LocatorError, parse, roman, suggest
from chrono.sourcetext import SourceText
from chrono.validation import validate


@pytest.mark.parametrize(
    ("text", "locator"),
    [
        ("page 507", Locator("page", "507", "507")),
        ("pages 12-15", Locator("page", "12", "15")),
        ("page xiv", Locator("page", "xiv", "xiv")),
        ("pages xii-3", Locator("page", "xii", "3")),
        ("paragraph 17", Locator("paragraph", "17", "17")),
        ("paragraphs 3-4", Locator("paragraph", "3", "4")),
        ("line 5", Locator("line", "5", "5")),
        ("lines 5-9", Locator("line", "5", "9")),
        ("section IV.2", Locator("section", "IV.2", "IV.2")),
        ("folio 12r", Locator("folio", "12r", "12r")),
        ("folios 12r-12v", Locator("folio", "12r", "12v")),
        ("time 1:02:03", Locator("time", "1:02:03", "1:02:03")),
        ("time 0:01:05-0:02:00", Locator("time", "0:01:05", "0:02:00")),
        ("time 0:01:05.250-0:01:05.500", Locator("time", "0:01:05.250", "0:01:05.500")),
    ],
)
def test_forms(text: str, locator: Locator) -> None:
    assert parse(text) == locator


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p17", "'p17' is not a locator; write paragraph 17 for a paragraph or page 17 for a page"),
        ("p. 507", "'p. 507' is not a locator; write page 507"),
        ("pp. 12–15", "'pp. 12–15' is not a locator; write pages 12-15"),
        ("¶ 17", "'¶ 17' is not a locator; write paragraph 17"),
        ("ll. 5-9", "'ll. 5-9' is not a locator; write lines 5-9"),
        ("fol. 12v", "'fol. 12v' is not a locator; write folio 12v"),
        ("§ 3.2", "'§ 3.2' is not a locator; write section 3.2"),
        ("pages 15-12", "'pages 15-12': a range runs forwards (15 is not before 12)"),
        ("folios 12v-12r", "'folios 12v-12r': a range runs forwards (12v is not before 12r)"),
        ("pages 3-3", "'pages 3-3': a range runs forwards (3 is not before 3)"),
        ("time 0:75:00", "'time 0:75:00' is not a locator; " + suggest("")),
        ("page 0", "'page 0' is not a locator; " + suggest("")),
        ("Page 5", "'Page 5' is not a locator; write page 5"),
        ("page 5\n", "'page 5\\n' is not a locator; write page 5"),
    ],
)
def test_errors_suggest_the_form(text: str, message: str) -> None:
    with pytest.raises(LocatorError) as err:
        parse(text)
    assert str(err.value) == message


def test_roman_numerals() -> None:
    assert [roman(r) for r in ("i", "iv", "ix", "xiv", "xl", "mcmxcix")] == [1, 4, 9, 14, 40, 1999]


@given(st.integers(1, 10**6), st.integers(1, 10**6))
def test_page_ranges_run_forwards(a: int, b: int) -> None:
    text = f"pages {a}-{b}"
    if a < b:
        assert parse(text).numbers == (a, b)
    else:
        with pytest.raises(LocatorError):
            parse(text)


def test_source_text_cuts() -> None:
    text = SourceText("One.\nTwo, on\nthree.\n\nFour.\fFive.\n\nSix.")
    assert [text.segment(parse(f"line {i}")) for i in (1, 2, 4, 5)] == [
        "One.",
        "Two, on",
        "",
        "Four.\fFive.",
    ]
    assert text.segment(parse("paragraph 1")) == "One.\nTwo, on\nthree."
    assert text.segment(parse("paragraph 3")) == "Five."
    assert text.segment(parse("paragraphs 2-3")) == "Four.\fFive."
    assert text.segment(parse("page 2")) == "Five.\n\nSix."
    assert text.segment(parse("page 3")) is None
    assert text.segment(parse("section 1")) is None
    assert text.find("Six.", "paragraph") == "paragraph 4"
    assert text.find("Six.", "page") == "page 2"
    assert text.find("Six.", "line") == "line 7"
    assert text.find("Seven.", "line") is None
    lines = SourceText("a\nb\nc")  # no blank line: one paragraph per line
    assert lines.segment(parse("paragraph 2")) == "b"


def test_a_text_is_cut_the_same_whatever_its_line_endings() -> None:
    """CRLF (a copy saved on Windows) and lone CR end lines as LF does; a BOM is dropped."""
    for ending in ("\n", "\r\n", "\r"):
        text = SourceText("\ufeffOne,\nwrapped.\n\nTwo.\n".replace("\n", ending))
        assert text.segment(parse("paragraph 1")) == "One,\nwrapped."
        assert text.segment(parse("paragraph 2")) == "Two.\n"
        assert [text.segment(parse(f"line {i}")) for i in (1, 2, 3, 4, 5)] == [
            "One,",
            "wrapped.",
            "",
            "Two.",
            "",
        ]
        assert text.find("Two.", "paragraph") == "paragraph 2"


def test_quotes_in_a_text_with_crlf_line_endings(mini: Path) -> None:
    """The local text's paragraphs are separated by CRLF blank lines: the locators are right."""
    text = "The leaders will meet\nin Alpha City from June 2 to June 3.\n\nThey last met in 2019.\n"
    (mini / "gazette.txt").write_bytes(text.replace("\n", "\r\n").encode())
    result = CliRunner().invoke(main, ["validate", "--sources", str(mini), str(mini)])
    assert (result.exit_code, result.stdout) == (0, f"mini ({mini}): valid: 0 errors, 0 warnings\n")


def validate_sources(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--sources", str(root), str(root)])
    return result.exit_code, result.stdout


def test_a_quote_wrapped_by_the_texts_layout_is_found(mini: Path) -> None:
    """pdftotext writes a paragraph on several lines: a quote may run across them."""
    text = (
        "The leaders will meet in Alpha City from June 2\nto June 3.\n\nThey last met\tin\n2019.\n"
    )
    (mini / "gazette.txt").write_text(text)
    assert validate_sources(mini) == (0, f"mini ({mini}): valid: 0 errors, 0 warnings\n")


def test_a_quote_is_not_found_across_a_paragraph_break_at_a_paragraph(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "The leaders will meet in Alpha City from June 2\n\nto June 3. They last met in 2019.\n"
    (mini / "gazette.txt").write_text(text)
    monkeypatch.chdir(mini.parent)
    key = "claims[meeting-2020/date/gazette-2020-05-01/paragraph-1].quote"
    assert validate_sources(Path("mini")) == (
        0,
        "mini (mini): valid: 0 errors, 1 warning\n"
        "  CHR802 warning quote found elsewhere in its source (1)\n"
        f'    {key} = "from June 2 to June 3" (mini/events/meeting-2020.yaml:17:12): '
        "quote 'from June 2 to June 3' is in gazette.txt at paragraphs 1-2, not at paragraph 1: "
        "fix the locator\n",
    )


def test_a_quote_in_nfc_is_found_in_a_text_in_nfd(westphalia: Path) -> None:
    """A copy saved on macOS may hold "Münster" as u + a combining diaeresis."""
    path = westphalia / "example-monograph.txt"
    path.write_text(unicodedata.normalize("NFD", path.read_text()))
    assert "Mu\u0308nster" in path.read_text()
    assert validate(westphalia, sources=westphalia).results == {}


#: What may stand between two words of a text: white space on one line, a line break, a
#: blank line (a paragraph break), a form feed (a page break).
GAPS = [" ", "\t", " \t ", "\u00a0", "\n", " \n", "\n\n", "\n \n", "\n\n\n", "\f", "\n\f"]


def where(kind: str, first: int, last: int) -> str:
    return f"{kind} {first}" if first == last else f"{kind}s {first}-{last}"


@given(
    st.lists(st.sampled_from(GAPS), min_size=1, max_size=30),
    st.data(),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_a_quote_is_found_whatever_the_layout_and_placed_exactly(
    gaps: list[str], data: st.DataObject, newline: str
) -> None:
    """Words laid out with any white space, line, paragraph and page breaks; a run of them
    quoted with single spaces is found, at the lines, paragraphs and pages it spans, and at
    its paragraph's locator unless it runs across a paragraph break."""
    words = [f"w{i}x" for i in range(len(gaps) + 1)]  # none holds another
    text = words[0] + "".join(gap + word for gap, word in zip(gaps, words[1:], strict=True))
    line, paragraph, page = [1], [1], [1]
    for gap in gaps:
        line.append(line[-1] + gap.count("\n"))
        breaks = "\n\n" in gap.replace(" ", "") or "\f" in gap
        paragraph.append(paragraph[-1] + breaks)
        page.append(page[-1] + gap.count("\f"))
    if paragraph[-1] == 1:  # no blank line nor page break: a paragraph per line
        paragraph = line
    a = data.draw(st.integers(0, len(words) - 1))
    b = data.draw(st.integers(a, len(words) - 1))
    quote = " ".join(words[a : b + 1])
    source = SourceText(text.replace("\n", newline))
    assert source.find(quote, "line") == where("line", line[a], line[b])
    assert source.find(quote, "paragraph") == where("paragraph", paragraph[a], paragraph[b])
    assert source.find(quote, "page") == where("page", page[a], page[b])
    at = parse(f"paragraph {paragraph[a]}")
    assert source.contains(quote, at) == (paragraph[a] == paragraph[b])
    assert source.contains(quote, parse(where("paragraph", paragraph[a], paragraph[b])))
    assert source.contains(quote, parse(where("line", line[a], line[b])))
    # a quote never ends inside a word: its last word cut short is not there
    assert source.find(quote[:-1], "line") is None


LETTERS = st.sampled_from("aeuAEOcnsz\u00e9\u00e8\u00fc\u00f1\u00e7\u00c5\u1e69\u01fa")


@given(
    st.lists(st.text(LETTERS, min_size=1, max_size=6), min_size=1, max_size=8),
    st.sampled_from(["NFC", "NFD"]),
    st.sampled_from(["NFC", "NFD"]),
)
def test_a_quote_is_found_whatever_its_unicode_normal_form(
    words: list[str], text_form: str, quote_form: str
) -> None:
    quote = unicodedata.normalize(quote_form, " ".join(words))
    source = SourceText(unicodedata.normalize(text_form, "Before. " + "\n".join(words) + " after."))
    assert source.contains(quote, parse(where("line", 1, len(words))))
    assert source.find(quote, "line") == where("line", 1, len(words))


def test_quotes_by_page_in_a_form_fed_text(westphalia: Path) -> None:
    assert validate(westphalia, sources=westphalia).results == {}
    path = westphalia / "events" / "treaty-of-munster-1648.yaml"
    text = path.read_text().replace("locator: page 1", "locator: page 2", 1)
    path.write_text(text)
    from chrono import build

    build.write(westphalia, build.build(westphalia))
    res = validate(westphalia, sources=westphalia).results
    assert list(res) == ["CHR802"]
    assert res["CHR802"].examples[0].message == (
        "quote 'The treaty was signed at Münster on 24 October 1648.' is in "
        "example-monograph.txt at page 1, not at page 2: fix the locator"
    )


def test_a_long_line_costs_no_more_than_its_length(tmp_path: Path) -> None:
    text = SourceText("x" * 2_000_000 + " needle")
    assert text.find("needle", "line") == "line 1"
    assert text.segment(parse("line 1")) is not None


@pytest.mark.parametrize(
    ("quote", "where_"),
    [
        ("on March 22", "paragraph 1"),
        ("on March 2", None),  # the text says 22
        ("he will visit", None),  # the text says "she"
        ("she will visit", "paragraph 2"),
        ("Last month", "paragraph 3"),  # a heading glued to it by the extraction
        ("普京总统", "paragraph 4"),  # written without spaces: any character may begin it
        ("Q", None),  # followed by a combining mark: a letter of its own
    ],
)
def test_a_quote_neither_begins_nor_ends_inside_a_word(quote: str, where_: str | None) -> None:
    text = SourceText(
        "On 20 March 2023 they met.\nThey signed it on March 22.\n\n"
        "Second: she will visit Moscow.\n\nSEE ALSO: In FocusLast month, a plan.\n\n"
        "习近平主席同普京总统举行会谈。 Q\u0307x\n"
    )
    assert text.find(quote, "paragraph") == where_


@pytest.mark.parametrize("end", ["\n\n", "\n\f", "\f", "\n\n\n"])
def test_a_separator_at_the_end_separates_nothing(end: str) -> None:
    """A text of lines is a paragraph per line, whatever blank line or page break ends it
    (pdftotext ends every page with a form feed)."""
    text = SourceText("Alpha one.\nBeta two.\nGamma three." + end)
    assert text.find("Gamma three", "paragraph") == "paragraph 3"
    assert text.contains("Beta two", parse("paragraph 2"))
