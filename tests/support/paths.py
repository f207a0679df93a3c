"""Where things are: the checkout, and the commands of its virtualenvs."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
#: the CLI under test, as installed in the test's virtualenv
SPOON = str(VENV_BIN / "spoon")
#: dbt lives in its own virtualenv
DBT = REPO / ".venv-dbt" / "bin" / "dbt"
