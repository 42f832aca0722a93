"""Text from a dataset, made inert for each output format chrono writes.

Ids, titles, values, column names and file names come from untrusted datasets
(docs/threat-model.md). Every renderer passes them through the function for its format:

- :func:`terminal`: control characters (newlines, CR, ESC, BEL, the C1 range, DEL) and
  the Unicode controls that reorder or split lines become visible escapes (``\\n``,
  ``\\x1b``, ``\\u202e``): one value stays on one line and cannot drive the terminal.
  So do lone surrogates (``\\udcff``: a file name's byte that is not UTF-8), which no
  encoding can write.
- :func:`markdown_text` and :func:`markdown_code`: inline text and code spans for
  markdown (PR comments, job summaries): no HTML, link, image, emphasis, mention, math or
  table cell boundary can be made by the data.
- :func:`github_data` and :func:`github_property`: GitHub Actions workflow commands
  (``::error file=...::message``), escaped as the Actions toolkit does, so data cannot end
  a command or start a new one.

- :func:`json_text`: JSON is safe by construction (``json.dumps`` escapes what would break
  it); this also writes the controls a terminal would obey (DEL, C1, bidi) as ``\\uXXXX``,
  which any JSON reader decodes to the same text.
- :func:`latex` and :func:`bibtex`: text LaTeX (``chrono diff --format latex``) and BibTeX
  (``chrono cite -f bibtex``) print literally: no command, group, math or comment can be
  made by the data, line breaks are spaces and other controls are shown as escapes;
  :func:`bibtex_url` keeps a URL one URL (percent-encoded where it must be).

>>> from chrono.escape import terminal, markdown_text, github_data
>>> terminal("a\\nb\\x1b[31m")
'a\\\\nb\\\\x1b[31m'
>>> markdown_text("[x](http://e) <b>")
'\\\\[x\\\\](http\\\\://e) \\\\<b\\\\>'
>>> github_data("100%\\n::error::x")
'100%25%0A::error::x'
>>> print(latex("50% of #1 & {x} ~ $y_2$ \\\\ ^"))
50\\% of \\#1 \\& \\{x\\} \\textasciitilde{} \\$y\\_2\\$ \\textbackslash{} \\textasciicircum{}
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Unicode format controls that reorder text or break lines (bidi overrides and isolates,
#: line and paragraph separators): shown, never obeyed.
_FORMAT_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))


def _visible(code: int) -> str:
    ch = chr(code)
    if ch in _NAMED:
        return _NAMED[ch]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


#: Lone surrogates: how Python holds the bytes of a file name that is not UTF-8
#: (``\xff`` becomes ``\udcff``); no output encoding can write them, so they are shown.
_SURROGATES = range(0xD800, 0xE000)

_TERMINAL = {
    code: _visible(code)
    for code in (
        *range(0x20),
        *range(0x7F, 0xA0),
        0x2028,
        0x2029,
        *_FORMAT_CONTROLS,
        *_SURROGATES,
    )
}


def terminal(text: object) -> str:
    """``text`` on one line with every control character shown as an escape."""
    return str(text).translate(_TERMINAL)


#: Characters with a meaning in GitHub-flavoured markdown inline text: HTML, links and
#: images, emphasis and strike-through, code, table cells, math, mentions, escapes. An
#: underscore inside a word (``published_earliest``) cannot open or close emphasis.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>&|~$@]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_AUTOLINK = re.compile(r"(?<=[A-Za-z0-9])(:)(?=//)|(?i:(?<=www)(\.))")


def markdown_text(text: object) -> str:
    """``text`` as inert inline markdown: it renders as the same characters, nothing more."""
    out = _MD_SPECIAL.sub(r"\\\1", terminal(text))
    return _AUTOLINK.sub(lambda m: "\\" + (m.group(1) or m.group(2)), out)


def markdown_code(text: object, *, table: bool = False) -> str:
    """``text`` as a markdown code span (``table``: inside a table cell, where ``|`` must
    be escaped even in code)."""
    body = terminal(text)
    if table:
        body = body.replace("|", "\\|")
    if not body:
        return "` `"
    fence = "`" * (max((len(m) for m in re.findall(r"`+", body)), default=0) + 1)
    pad = " " if body[0] in "` " or body[-1] in "` " else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def github_data(text: object) -> str:
    """The message of a workflow command (after ``::``)."""
    out = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return terminal(out)


def github_property(text: object) -> str:
    """A property value of a workflow command (``file=``, ``title=``)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


_JSON = {code: f"\\u{code:04x}" for code in _TERMINAL if code >= 0x7F}


def json_text(document: str) -> str:
    """A JSON document (from ``json.dumps(..., ensure_ascii=False)``) with the remaining
    terminal controls escaped; they can only stand inside strings, so it is the same JSON."""
    return document.translate(_JSON)


def one_line(text: object) -> str:
    """A message for stderr: white space runs (newlines included) folded to one space, then
    any other control character shown as an escape."""
    return terminal(" ".join(str(text).split()))


#: Line breaks of any kind: a space in LaTeX and BibTeX (as their own line breaks are).
_BREAKS = {code: " " for code in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x2028, 0x2029)}

_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_LATEX_SPECIAL = re.compile("[" + re.escape("".join(_LATEX)) + "]")


def latex(text: object) -> str:
    """``text`` as LaTeX prints it literally, on one line: its specials escaped, line
    breaks as spaces, other control characters shown as escapes (``\\x1b``)."""
    shown = terminal(str(text).translate(_BREAKS))
    return _LATEX_SPECIAL.sub(lambda m: _LATEX[m.group()], shown)


#: BibTeX passes a field's text to LaTeX: its specials, and ``~`` (a space there) and ``^``
#: (math only), as LaTeX writes them; ``<``, ``>`` and ``|`` print in T1 as they are.
_BIBTEX = {k: _LATEX[k] for k in "\\{}&%$#_~^"}
_BIBTEX_SPECIAL = re.compile("[" + re.escape("".join(_BIBTEX)) + "]")


def bibtex(text: object) -> str:
    """``text`` for a BibTeX field: braces and the other specials escaped (a field cannot
    be closed, nor a command made), line breaks as spaces, other controls shown."""
    shown = terminal(str(text).translate(_BREAKS))
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX[m.group()], shown)


#: Characters a URL may hold as they are (RFC 3986 unreserved, reserved, and ``%``);
#: letters beyond ASCII stay too (an IRI).
_URL_KEEP = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]|[^\x00-\x7f]")


def bibtex_url(url: object) -> str:
    """A URL for BibTeX's ``url`` field: anything a URL cannot hold (spaces, braces,
    backslashes, quotes, control characters, line and bidi controls) percent-encoded, so
    the field stays one URL; ``%`` escaped for LaTeX."""
    out = []
    for ch in str(url):
        control = ord(ch) in _TERMINAL
        if _URL_KEEP.fullmatch(ch) and not control:
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out).replace("%", "\\%")
