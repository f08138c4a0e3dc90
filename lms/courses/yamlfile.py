"""YAML loading that remembers the line of every mapping, key and list item."""

from __future__ import annotations

import yaml

from lms.core.input_gate import normalise, text_problem


class LineDict(dict):
    line: int = 1
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 1
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


def _string(loader: _Loader, node: yaml.ScalarNode) -> str:
    """Every text of a content file passes the input gate: an escape such as ``"\\0"`` or
    ``"\\ud800"`` is refused at its line; the rest is normalised to NFC."""
    value = loader.construct_scalar(node)
    if text_problem(value):
        raise YamlProblem(node.start_mark.line + 1,
                          "a NUL character or half of a surrogate pair (not allowed in content)")
    return normalise(value)


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key, line):
        self.key, self.line = key, line
        super().__init__(f"duplicate key {key!r}")


def _mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise DuplicateKey(key, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode, deep: bool = False) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message
        super().__init__(message)


def load_yaml(text: str):
    """Parse YAML; raise YamlProblem(line, message) for bad YAML or a duplicate key."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506  (_Loader is a SafeLoader)
    except DuplicateKey as exc:
        raise YamlProblem(exc.line, f"duplicate key '{exc.key}'") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"invalid YAML: {exc}") from None


_Loader.add_constructor("tag:yaml.org,2002:str", _string)
