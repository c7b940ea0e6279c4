"""Alt+letter mnemonics that are unique within one dialog."""

from __future__ import annotations

from collections.abc import Iterable


def letter_of(text: str) -> str | None:
    """The mnemonic letter of ``text`` (``"Re&open"`` -> ``"o"``), None without one."""
    position = text.replace("&&", "").find("&")
    clean = text.replace("&&", "")
    if position < 0 or position + 1 >= len(clean):
        return None
    return clean[position + 1].lower()


def with_mnemonics(texts: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Each text with an ``&`` before a letter no other text (nor ``taken``) uses: a
    letter already marked stays when free; else the first free letter starting a word,
    else any free letter; a text with no free letter gets none."""
    used = {letter.lower() for letter in taken}
    texts = list(texts)
    result: list[str | None] = [None] * len(texts)
    for number, text in enumerate(texts):  # marked letters first: they were chosen
        letter = letter_of(text)
        if letter is not None and letter not in used:
            used.add(letter)
            result[number] = text
    for number, text in enumerate(texts):
        if result[number] is not None:
            continue
        plain = text.replace("&", "")
        starts = [i for i, c in enumerate(plain) if c.isalpha() and (i == 0 or plain[i - 1] == " ")]
        rest = [i for i, c in enumerate(plain) if c.isalpha() and i not in starts]
        chosen = next((i for i in [*starts, *rest] if plain[i].lower() not in used), None)
        if chosen is None:
            result[number] = plain
        else:
            used.add(plain[chosen].lower())
            result[number] = plain[:chosen] + "&" + plain[chosen:]
    return [text for text in result if text is not None]
