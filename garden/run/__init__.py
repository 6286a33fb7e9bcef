"""Execution engine: runs the code cells of notes in isolated worker processes."""

from garden.run.cells import Cell, CellError, CellResult
from garden.run.engine import RunReport, run_cells
from garden.run.options import CellOptions, OptionError, parse_options

__all__ = ["Cell", "CellError", "CellOptions", "CellResult", "OptionError", "RunReport", "parse_options", "run_cells"]
