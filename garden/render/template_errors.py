"""Where in a template an error was raised: jinja2 gives each template's frames in a traceback the
template's file and line, and marks them with `__jinja_exception__` in their globals."""

from __future__ import annotations

import os
import traceback

import jinja2


class TemplateFailed(jinja2.TemplateRuntimeError):
    """A template's code raised an exception of Python's (such as `{{ 1 / 0 }}`): it fails every page
    it makes, so the build stops, naming the template and line (`template_place`)."""


def template_place(error: BaseException) -> str | None:
    """`path:line` of the innermost template frame that `error` (or the error it was raised from) passed
    through; the path relative to the working folder when it is below it. None for no template."""
    for error_or_cause in (error, error.__cause__):
        traceback_ = error_or_cause.__traceback__ if error_or_cause is not None else None
        places = [f"{_shown(frame.f_code.co_filename)}:{line}" for frame, line in traceback.walk_tb(traceback_)
                  if "__jinja_exception__" in frame.f_globals]
        if places:
            return places[-1]
    return None


def _shown(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
