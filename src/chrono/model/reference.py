"""Markdown reference of the tables and vocabularies, generated from the specifications.

``python -m chrono.model.reference`` prints it; docs/data-model.md embeds it between the
``<!-- reference -->`` markers and a test keeps the two equal.
"""

from __future__ import annotations

from chrono.model import vocab
from chrono.model.schema import FRICTIONLESS_TYPE
from chrono.model.tables import TABLES, pandas_categories

_DTYPE = {
    "string": ("string", "string"),
    "vocab": ("dictionary<int32, string>", "category"),
    "date": ("date32", "datetime64[s]"),
    "bool": ("bool", "boolean"),
    "float": ("float64", "Float64"),
}


def markdown() -> str:
    out: list[str] = []
    for table in TABLES.values():
        out.append(f"### `{table.name}`\n")
        out.append(f"{table.description} Primary key: `{', '.join(table.primary_key)}`.")
        for fk in table.foreign_keys:
            out.append(
                f"Foreign key: `{', '.join(fk.columns)}` → `{fk.table}.{', '.join(fk.reference)}`."
            )
        out.append("")
        out.append("| column | Arrow | pandas | Table Schema | null | description |")
        out.append("|---|---|---|---|---|---|")
        for c in table.columns:
            arrow, pandas = _DTYPE[c.kind]
            if c.kind == "vocab" and pandas_categories(c)[1]:
                pandas = "category (ordered)"
            extra = f" Vocabulary: `{c.vocabulary}`." if c.vocabulary else ""
            extra += f" Pattern: `{c.pattern}`." if c.pattern else ""
            null = "yes" if c.nullable else "no"
            frictionless = FRICTIONLESS_TYPE[c.kind] + (" (EDTF)" if c.edtf else "")
            out.append(
                f"| `{c.name}` | {arrow} | {pandas} | {frictionless} | {null} "
                f"| {c.description}{extra} |"
            )
        out.append("")
    out.append("### Vocabularies\n")
    for name, terms in vocab.VOCABULARIES.items():
        out.append(f"`{name}`:\n")
        out.extend(f"- `{term}`: {text}" for term, text in terms.items())
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
