"""Reading catalog YAML with the line of every value, so each error names file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final, TypeVar

import msgspec
import yaml

KeyPath = tuple[str | int, ...]
T = TypeVar("T")

_MSGSPEC_PATH: Final = re.compile(r" - at `\$([^`]*)`$")
_PATH_TOKEN: Final = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_UNKNOWN_FIELD: Final = re.compile(r"unknown field `([^`]+)`")
_CONSTRUCTOR: Final = yaml.constructor.SafeConstructor()


class CatalogError(msgspec.Struct, frozen=True, kw_only=True):
    """One problem in the catalog files; `code` is stable, `message` is for the author."""

    file: str
    line: int | None
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


class SourceFile:
    """A YAML file's display name and the line on which each key path starts."""

    def __init__(self, display: str, lines: dict[KeyPath, int]) -> None:
        self.display = display
        self.lines = lines

    def line(self, *path: str | int) -> int | None:
        """The line of ``path``, or of its nearest ancestor that exists."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None

    def error(self, code: str, message: str, *path: str | int) -> CatalogError:
        return CatalogError(file=self.display, line=self.line(*path), code=code, message=message)


def read_yaml(path: Path, display: str) -> tuple[object, SourceFile, list[CatalogError]]:
    """Parse one YAML file into plain data, keeping lines; report syntax errors and dup keys."""
    lines: dict[KeyPath, int] = {}
    source = SourceFile(display, lines)
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        parts = (getattr(exc, "context", None), getattr(exc, "problem", None))
        message = "YAML syntax error: " + (", ".join(p for p in parts if p) or str(exc))
        return None, source, [CatalogError(file=display, line=line, code="yaml", message=message)]
    if node is None:
        return None, source, [source.error("yaml", "the file is empty")]
    errors: list[CatalogError] = []
    return _plain(node, (), source, errors), source, errors


def _plain(
    node: yaml.Node, path: KeyPath, source: SourceFile, errors: list[CatalogError]
) -> object:
    source.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            here = (*path, key)
            if key in result:
                errors.append(
                    CatalogError(
                        file=source.display,
                        line=key_node.start_mark.line + 1,
                        code="duplicate_id",
                        message=f"duplicate key `{key}`",
                    )
                )
                continue
            # An error about a key should point at the key, even for a block value below it.
            source.lines[here] = key_node.start_mark.line + 1
            result[key] = _plain(value_node, here, source, errors)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, (*path, i), source, errors) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> object:
    tag, value = node.tag, str(node.value)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        # YAML 1.1 reads yes/no/on/off as booleans; only true/false mean that here, so
        # situation answers like `yes` and `no` stay strings.
        lowered = value.lower()
        return lowered == "true" if lowered in {"true", "false"} else value
    if tag in {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}:
        return _CONSTRUCTOR.construct_object(node)
    # Timestamps stay text: dates in the catalog are date expressions, checked as such.
    return value


def decode(data: object, kind: type[T], source: SourceFile) -> T | CatalogError:
    """Convert plain data into a Struct; on failure, an error at the offending line."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        message = str(exc)
        path = _error_path(message)
        unknown = _UNKNOWN_FIELD.search(message)
        if unknown:
            path = (*path, unknown.group(1))
        text = _MSGSPEC_PATH.sub("", message)
        where = _render(path)
        return source.error("schema", f"{text} (at {where})" if where else text, *path)


def _error_path(message: str) -> KeyPath:
    found = _MSGSPEC_PATH.search(message)
    if not found:
        return ()
    return tuple(key if key else int(index) for key, index in _PATH_TOKEN.findall(found.group(1)))


def _render(path: KeyPath) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
