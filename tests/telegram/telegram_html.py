"""Telegram's HTML parse mode, checked as strictly as the Bot API does (for the fake server)."""

from __future__ import annotations

import re

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
    "a", "code", "pre", "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"]*\"|='[^']*')?)*)\s*>")
_ATTR = re.compile(r"([a-zA-Z-]+)(?:=\"([^\"]*)\"|='([^']*)')?")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);")


class EntityError(ValueError):
    """The text is not valid Telegram HTML; ``str`` is Telegram's description."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """Return the plain text Telegram would show, or raise EntityError like Telegram."""
    out: list[str] = []
    stack: list[str] = []
    raw = text.encode("utf-8")
    i = 0

    def offset(pos: int) -> int:
        return len(text[:pos].encode("utf-8"))

    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if not m:
                raise EntityError(
                    "Bad Request: can't parse entities: Unexpected end of name token at byte "
                    f"offset {offset(i)}"
                )
            closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
            if closing:
                if not stack:
                    raise EntityError(
                        "Bad Request: can't parse entities: Unexpected end tag at byte offset "
                        f"{offset(i)}"
                    )
                if stack[-1] != name:
                    raise EntityError(
                        "Bad Request: can't parse entities: Unmatched end tag at byte offset "
                        f'{offset(i)}, expected "</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                if name not in ALLOWED_TAGS:
                    raise EntityError(
                        f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" '
                        f"at byte offset {offset(i)}"
                    )
                found = {a.group(1).lower(): a.group(2) or a.group(3) or "" for a in
                         _ATTR.finditer(attrs)}
                if name == "span" and found.get("class") != "tg-spoiler":
                    raise EntityError(
                        "Bad Request: can't parse entities: Tag \"span\" must have class "
                        f'"tg-spoiler" at byte offset {offset(i)}'
                    )
                if name == "a" and "href" not in found:
                    pass  # Telegram ignores a link without href; accepted.
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = _ENTITY.match(text, i)
            if not m:
                raise EntityError(
                    "Bad Request: can't parse entities: Character entity expected at byte "
                    f"offset {offset(i)}"
                )
            body = m.group(1)
            if body.startswith("#x"):
                out.append(chr(int(body[2:], 16)))
            elif body.startswith("#"):
                out.append(chr(int(body[1:])))
            elif body in _NAMED:
                out.append(_NAMED[body])
            else:
                raise EntityError(
                    f'Bad Request: can\'t parse entities: Unsupported HTML entity "&{body};" '
                    f"at byte offset {offset(i)}"
                )
            i = m.end()
        elif ch == ">":
            raise EntityError(
                f"Bad Request: can't parse entities: Unescaped '>' at byte offset {offset(i)}"
            )
        else:
            out.append(ch)
            i += 1
    if stack:
        raise EntityError(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1]}"'
        )
    del raw
    return "".join(out)
