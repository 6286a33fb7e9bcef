"""The `[expect]` table of neuron and network blocks, checked against what the block computed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from garden.check.compare import compare

Check = Callable[[dict[str, Any], Any, float, float], str | None]


def _close(name: str, actual: Any, expected: Any, rtol: float, atol: float) -> str | None:
    verdict = compare(repr(expected), repr(actual), rtol=rtol, atol=atol)
    return None if verdict.matched else f"{name} is {actual!r}, expected {expected!r}"


def _value(path: str) -> Check:
    def check(result: dict[str, Any], expected: Any, rtol: float, atol: float) -> str | None:
        actual = _lookup(result, path)
        return f"{path} was not computed" if actual is None else _close(path, actual, expected, rtol, atol)
    return check


def _exact(path: str) -> Check:
    def check(result: dict[str, Any], expected: Any, rtol: float, atol: float) -> str | None:
        actual = _lookup(result, path)
        return None if actual == expected else f"{path} is {actual!r}, expected {expected!r}"
    return check


def _bound(path: str, below: bool) -> Check:
    def check(result: dict[str, Any], limit: Any, rtol: float, atol: float) -> str | None:
        actual = _lookup(result, path)
        if isinstance(limit, bool) or not isinstance(limit, (int, float)):
            return f"must be a number, got {limit!r}"
        if actual is None:
            return f"{path} was not computed" + UNCOMPUTED.get(path, "")
        holds = actual < limit if below else actual >= limit
        return None if holds else f"{path} is {actual!r}, expected {'below' if below else 'at least'} {limit!r}"
    return check


def _accuracy_bound() -> Check:
    """At least this accuracy: on the test split where the block holds one out, else on the training data."""
    on_test, on_training = _bound("train.test.accuracy", below=False), _bound("train.accuracy", below=False)

    def check(result: dict[str, Any], limit: Any, rtol: float, atol: float) -> str | None:
        held_out = _lookup(result, "train.test") is not None
        return (on_test if held_out else on_training)(result, limit, rtol, atol)
    return check


UNCOMPUTED = {
    "train.final_loss": " (does the block have a [train] table?)",
    "train.accuracy": " (accuracy needs a [train] table with 0/1 targets)",
}


def _lookup(result: dict[str, Any], path: str) -> Any:
    value: Any = result
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


CHECKS: dict[str, dict[str, Check]] = {
    "neuron": {"z": _value("z"), "a": _value("a")},
    "network": {
        "parameter_count": _exact("parameter_count"),
        "trainable_parameter_count": _exact("trainable_parameter_count"),
        "outputs": _value("outputs"),
        "final_loss": _value("train.final_loss"),
        "final_loss_below": _bound("train.final_loss", below=True),
        "accuracy_at_least": _accuracy_bound(),
    },
}


def check_expectations(kind: str, result: dict[str, Any], rtol: float, atol: float) -> list[tuple[str, str]]:
    """(key, message) for every way `result` misses its `expect` table (empty when all hold)."""
    checks = CHECKS[kind]
    problems = []
    for key, expected in (result.get("expect") or {}).items():
        if key not in checks:
            problems.append((key, f"expect.{key} is not something a {kind} block can check; "
                                  f"use one of {', '.join(checks)}"))
            continue
        problem = checks[key](result, expected, rtol, atol)
        if problem:
            problems.append((key, f"expect.{key}: {problem}"))
    return problems
