"""dbt doc blocks: `{% docs name %}...{% enddocs %}` in `*.md` files under the model paths,
used in YAML descriptions as `{{ doc("name") }}`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from pipeline.engine.errors import ConfigError, nearest

_BLOCK = re.compile(
    r"\{%-?\s*docs\s+(?P<name>\w+)\s*-?%\}(?P<body>.*?)\{%-?\s*enddocs\s*-?%\}", re.DOTALL
)
_DOC_CALL = re.compile(r"\{\{\s*doc\(\s*['\"](?P<name>\w+)['\"]\s*\)\s*\}\}")


def read_doc_blocks(files: Iterable[Path]) -> dict[str, str]:
    """Every doc block of the `*.md` `files`, by name; a name defined twice is an error."""
    blocks: dict[str, str] = {}
    where: dict[str, Path] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            name = match["name"]
            if name in blocks:
                raise ConfigError(
                    f"doc block {name!r} is defined twice (also in {where[name]}).",
                    path=path,
                    line=text.count("\n", 0, match.start()) + 1,
                )
            blocks[name], where[name] = match["body"].strip(), path
    return blocks


def render_description(
    text: str, blocks: Mapping[str, str], *, path: Path | None, line: int | None
) -> str:
    """`text` with each `{{ doc("name") }}` replaced by its block; other Jinja is refused."""

    def substitute(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in blocks:
            hint = nearest(name, blocks)
            raise ConfigError(
                f"doc({name!r}) names no doc block"
                + (f"; did you mean {hint[0]!r}?" if hint else "; define it in a .md file.")
                + "",
                path=path,
                line=line,
            )
        return blocks[name]

    rendered = _DOC_CALL.sub(substitute, text)
    if "{{" in rendered or "{%" in rendered:
        raise ConfigError(
            "a description may use only {{ doc('name') }}; other Jinja in YAML descriptions "
            "is not supported by mops.",
            path=path,
            line=line,
        )
    return rendered
