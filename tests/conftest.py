"""Lets tests import their helper modules (fixture_format, syntax_harness)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
