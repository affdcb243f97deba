"""Message normalisation, applied once per message and once per pattern at load."""

from __future__ import annotations

import re
import unicodedata

# Nobody states an intent in more than a few sentences; the cap bounds the work per message.
MAX_CHARS = 1000

# Emoji that carry an intent become words; every other emoji or symbol is dropped.
_EMOJI_WORDS = {
    "👋": " hi ", "🖐": " hi ", "✋": " hi ", "🤚": " hi ",
    "🙏": " thanks ", "🙌": " thanks ",
    "👍": " ok ", "👌": " ok ",
    "❓": " ? ", "❔": " ? ",
}
_EMOJI_RE = re.compile("|".join(map(re.escape, _EMOJI_WORDS)))

_CONTRACTIONS = {
    "what's": "what is", "whats": "what is", "how's": "how is", "it's": "it is",
    "i'm": "i am", "im": "i am", "don't": "do not", "dont": "do not", "can't": "can not",
    "cant": "can not", "cannot": "can not", "won't": "will not", "wont": "will not",
    "isn't": "is not", "doesn't": "does not", "doesnt": "does not", "didn't": "did not",
    "didnt": "did not", "i'd": "i would", "i've": "i have", "ive": "i have",
    "you're": "you are", "youre": "you are", "they're": "they are", "where's": "where is",
    "wheres": "where is", "who's": "who is", "there's": "there is", "that's": "that is",
    "thats": "that is", "let's": "let us", "y'all": "you all", "ya": "you", "u": "you",
    "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thanks",
    "ty": "thank you", "wanna": "want to", "gonna": "going to", "gotta": "got to",
}
# Generic clitics after the table above: "shouldn't" -> "should not", "we'll" -> "we will".
_SUFFIXES = (("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"),
             ("'d", " would"), ("'m", " am"), ("'s", ""))
# Curly apostrophes become straight ones (so contractions expand). Currency signs become a
# word before punctuation is dropped, so "what's the $ like" still asks about money; "money"
# because it names every currency and the bot's vocabulary already maps it to its pay topic.
CURRENCY_WORD = "money"
_TRANSLATE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                            "$": f" {CURRENCY_WORD} ", "\u20ac": f" {CURRENCY_WORD} ",
                            "\u00a3": f" {CURRENCY_WORD} "})
# A word: letters/digits (any script), optionally joined by apostrophes ("don't").
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def _expand(word: str) -> str:
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    if "'" in word:
        for suffix, replacement in _SUFFIXES:
            if word.endswith(suffix):
                return word[: -len(suffix)] + replacement
        return word.replace("'", "")
    return word


def normalise(text: str) -> str:
    """Return a lower-case, punctuation-free, single-spaced form of ``text``.

    NFKC folds full-width and styled letters; case is folded; curly apostrophes become
    straight ones so contractions expand; "$", "€" and "£" become ``CURRENCY_WORD``; meaningful
    emoji become words (👋 -> hi); all other symbols, punctuation and control characters
    separate words.
    """
    text = text[:MAX_CHARS]
    if text.isascii():  # most messages and patterns: no NFKC or emoji work to do
        text = text.lower()
        if "$" in text or "`" in text:  # the only ASCII characters _TRANSLATE changes
            text = text.translate(_TRANSLATE)
    else:
        text = unicodedata.normalize("NFKC", text).casefold().translate(_TRANSLATE)
        text = _EMOJI_RE.sub(lambda m: _EMOJI_WORDS[m.group()], text)
    words = _WORD.findall(text)
    if "'" not in text:  # only the table applies (C-level map; patterns load faster)
        out = " ".join(map(_CONTRACTIONS.get, words, words))
    else:
        out = " ".join(map(_expand, words)).replace("  ", " ").strip()
    return _WHAT_DOES.sub(r"what does \1 do", out) if "what is" in out else out


# "what's a coder do" is "what does a coder do", not "what is a coder".
_WHAT_DOES = re.compile(
    r"\bwhat is ((?:a|an|the|my|your)(?: (?!(?:i|you|we|they|he|she|it|to)\b)\w+){1,3}) do\b"
    r"(?! not)")


def tokens(text: str) -> list[str]:
    """Split already-normalised text into tokens."""
    return text.split()
