"""Threat recall on obfuscated real threats against the clean originals.

Takes the real escalations of the held-out triage_gold test split (posts never used in
training) and the hand-written threats of the challenge suite, disguises the threat
words of each post in one way at a time, and reports the share still flagged as an
escalation next to the share of the clean originals:

* leetspeak (``n3ws``, ``l@wyer``), full-width letters, Cyrillic/Greek look-alikes,
  zero-width characters inside words, bidi controls around words, letters spaced out
  (``s u e``, with a wider gap between spaced words), elongation (``suuuue``), shouting
  (``SUE``), all of them at once.

Run: ``python benchmarks/obfuscation_eval.py``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import socialcare
from socialcare.cues import find_threat_cues
from socialcare.text import normalize

ROOT = Path(__file__).resolve().parents[1]

_LEET = str.maketrans({"e": "3", "a": "@", "o": "0", "i": "1", "s": "$"})
_LOOKALIKE = str.maketrans({"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "y": "у"})


def _fullwidth(word: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)


def _leet(word: str) -> str:
    # keep the first and last letters so the word still reads as a word (n3ws, l@wy3r)
    return word[0] + word[1:-1].translate(_LEET) + word[-1] if len(word) > 2 else word


OBFUSCATIONS: dict[str, Callable[[str], str]] = {
    "leetspeak": _leet,
    "full-width": _fullwidth,
    "look-alike letters": lambda w: w.translate(_LOOKALIKE),
    "zero-width inside": lambda w: "\u200b".join(w),
    "bidi controls": lambda w: f"\u202e{w}\u202c",
    "spaced letters": lambda w: f" {' '.join(w)} ",  # a wider gap around each spaced word
    "elongation": lambda w: re.sub(r"([aeiou])", r"\1\1\1\1", w, count=1),
    "shouting": str.upper,
}
OBFUSCATIONS["all at once"] = lambda w: OBFUSCATIONS["zero-width inside"](_fullwidth(_leet(w.upper())))


def threat_words(text: str) -> set[str]:
    """The words of the post that its threat phrases are made of."""
    words: set[str] = set()
    for cue in find_threat_cues(normalize(text)):
        words.update(w for w in cue.phrase.split() if len(w) > 2 and w.isalpha())
    return words


def disguise(text: str, words: set[str], how: Callable[[str], str]) -> str:
    def swap(match: re.Match[str]) -> str:
        return how(match.group()) if match.group().lower() in words else match.group()

    return re.sub(r"[A-Za-z]+", swap, text)


def threats() -> list[str]:
    gold = pd.read_csv(ROOT / "data" / "triage_gold" / "test.csv")
    texts = gold.loc[gold["escalation"] == 1, "text"].astype(str).tolist()
    with (ROOT / "tests" / "data" / "challenge.csv").open(encoding="utf-8", newline="") as handle:
        texts += [row["text"] for row in csv.DictReader(handle) if row["escalation"] == "1"]
    return texts


def main() -> None:
    triage = socialcare.default_triage()
    posts = threats()
    clean = [s.is_escalation for s in triage.score_many(posts)]
    # Only posts whose threat is carried by words the rules name can be disguised word by word.
    cases = [(t, w) for t, w in ((t, threat_words(t)) for t in posts) if w]
    flagged = {t: ok for t, ok in zip(posts, clean, strict=True)}
    base = sum(flagged[t] for t, _ in cases) / len(cases)
    print(f"{len(posts)} real and hand-written threats; {len(cases)} with threat words to disguise")
    print(f"clean recall on those: {base:.3f} (all {len(posts)}: {sum(clean) / len(posts):.3f})")
    for name, how in OBFUSCATIONS.items():
        disguised = [disguise(t, w, how) for t, w in cases]
        recall = sum(s.is_escalation for s in triage.score_many(disguised)) / len(cases)
        print(f"  {name:20s} recall {recall:.3f}  ({recall - base:+.3f})")


if __name__ == "__main__":
    main()
