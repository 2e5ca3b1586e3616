"""The HTML page: one Jinja template with inline CSS and inline SVG, no external resource."""

from __future__ import annotations

from typing import Any

import jinja2

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("pipeline.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(context: dict[str, Any]) -> str:
    return _ENV.get_template("report.html.j2").render(**context)
