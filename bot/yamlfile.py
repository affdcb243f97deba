"""YAML loading that remembers line numbers and refuses duplicate keys.

Editors need to be told exactly where a problem is, so mappings and lists keep the line of
each key or item. Everything else behaves like ``yaml.safe_load``.

PyYAML is imported on the first load, not with this module: importing it costs ~20 ms
(mostly a large regular expression it compiles), and a start that finds its engine cached
(``bot.enginecache``) reads no YAML at all.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import CareerBotError, Problem

if TYPE_CHECKING:
    from yaml.nodes import MappingNode, Node, SequenceNode


class LineDict(dict[Any, Any]):
    """A mapping that knows the line of each key (1-based) and its own first line."""

    line: int
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A list that knows the line of each item (1-based) and its own first line."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


_STR_TAG = "tag:yaml.org,2002:str"


@cache
def _classes() -> tuple[type[Any], type[Exception]]:
    """The loader (SafeLoader building LineDict/LineList and rejecting duplicate keys) and the
    error it raises for a duplicate key, made on first use."""
    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    class DuplicateKeyError(CareerBotError, yaml.MarkedYAMLError):
        """A mapping names the same key twice (raised inside the loader, reported as a
        Problem)."""

    # libyaml's parser when available (several times faster); the constructors stay ours.
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type,misc]
        def construct_object(self, node: Node, deep: bool = False) -> Any:
            # Text is most of every file: for a str scalar, SafeLoader's constructor returns
            # the node's value, so return it without the generic bookkeeping (alias table,
            # recursion guard, constructor lookup), which was a third of the loading time.
            if node.tag == _STR_TAG and isinstance(node, ScalarNode):
                return node.value
            return super().construct_object(node, deep)

        def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
            # The parser asks for every scalar's tag. Quoted and block text, and plain text
            # whose first character starts no implicit type (bool, int, null, ...), is a str:
            # the answer yaml's resolver reaches after trying its table, given without trying.
            if (kind is ScalarNode and not self.yaml_path_resolvers
                    and None not in self.yaml_implicit_resolvers
                    and (not implicit[0]
                         or (value and value[0] not in self.yaml_implicit_resolvers))):
                return str(self.DEFAULT_SCALAR_TAG)
            return str(super().resolve(kind, value, implicit))

        def construct_line_mapping(self, node: MappingNode) -> LineDict:
            self.flatten_mapping(node)
            result = LineDict()
            result.line = node.start_mark.line + 1
            result.key_lines = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in result:
                    raise DuplicateKeyError(
                        None, None,
                        f"duplicate key {key!r} (first on line {result.key_lines[key]}): "
                        "merge the two entries or rename one",
                        key_node.start_mark,
                    )
                result[key] = self.construct_object(value_node, deep=True)
                result.key_lines[key] = key_node.start_mark.line + 1
            return result

        def construct_line_list(self, node: SequenceNode) -> LineList:
            result = LineList(
                self.construct_object(child, deep=True)
                for child in node.value
            )
            result.line = node.start_mark.line + 1
            result.item_lines = [child.start_mark.line + 1 for child in node.value]
            return result

    def mapping(loader: Loader, node: Node) -> LineDict:
        assert isinstance(node, MappingNode)
        return loader.construct_line_mapping(node)

    def sequence(loader: Loader, node: Node) -> LineList:
        assert isinstance(node, SequenceNode)
        return loader.construct_line_list(node)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    return Loader, DuplicateKeyError


def load_yaml(path: Path, problems: list[Problem]) -> Any:
    """Load ``path``; on failure append a Problem and return None."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, 1, f"cannot read file ({exc}): save it as UTF-8 text"))
        return None
    import yaml

    loader, duplicate_key = _classes()
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - the loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "malformed YAML"
        if isinstance(exc, duplicate_key):
            problems.append(Problem(path, line, str(what)))
        else:
            problems.append(Problem(
                path, line,
                f"malformed YAML: {what}; check indentation and quote text containing ': ' or '#'",
            ))
    except yaml.YAMLError as exc:
        problems.append(Problem(path, 1, f"malformed YAML: {exc}"))
    return None
