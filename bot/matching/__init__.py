"""Intent matching: text normalisation, spelling tolerance and the intent index."""

from bot.matching.index import IntentIndex, Match
from bot.matching.normalize import normalise, tokens

__all__ = ["IntentIndex", "Match", "normalise", "tokens"]
