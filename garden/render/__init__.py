"""The render stage: HTML of blocks, outputs and pages from the linked garden and the run results."""

from pathlib import Path

TEMPLATES_DIR = Path(__file__).parent / "templates"  # garden's own templates (a garden's templates/ override them)
STATIC_DIR = Path(__file__).parent / "static"  # the theme's stylesheet, script and icon
