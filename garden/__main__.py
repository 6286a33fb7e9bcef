"""`python -m garden`."""

import sys

from garden.cli import main

sys.exit(main())
