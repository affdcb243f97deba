"""The root of the bot's own errors, and the data problems found while loading its YAML."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a data file, printed as ``path:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class CareerBotError(Exception):
    """Every error the bot raises itself derives from this one class."""


class DataError(CareerBotError):
    """The knowledge base or intents are invalid; the bot refuses to start on them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
