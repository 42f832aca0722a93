"""Counts in words, as every report writes them: ``1 event``, ``2 events``, ``0 events``."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1 (nouns with a plain ``-s`` plural).

    >>> counted(1, "event"), counted(3, "claim"), counted(0, "source")
    ('1 event', '3 claims', '0 sources')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"
