"""One-line messages for the errors that stop a build: a bad garden.toml, an output folder garden
must not replace, a broken template, an executor that cannot run the code."""

from __future__ import annotations

import jinja2

from garden.config import ConfigError
from garden.emit import OutputError
from garden.render.template_errors import template_place
from garden.run.executor import ExecutorError

STOPPING_ERRORS = (ConfigError, OutputError, jinja2.TemplateError, ExecutorError)


def stop_message(error: Exception) -> str:
    """`garden: …` for one of `STOPPING_ERRORS`, naming the file (and line) at fault."""
    if isinstance(error, jinja2.TemplateError):
        if isinstance(error, jinja2.TemplateSyntaxError):
            where = f"templates/{error.name}:{error.lineno}: "
        else:
            place = template_place(error)
            where = f"{place}: " if place else ""
        return f"garden: {where}template error: {error.message}"
    return f"garden: {error}"


def internal_error_message(error: BaseException) -> str:
    """The line saying garden itself failed (a bug)."""
    return f"garden: internal error: {type(error).__name__}: {error} (GARDEN_DEBUG=1 shows the traceback)"
