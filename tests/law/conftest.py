"""Make the pure-Python law engine importable as ``law`` without Odoo.

Only the addon directory goes on sys.path: ``import law`` then proves the package needs
nothing from Odoo (the addon's own ``__init__`` is never imported).
"""

import sys
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parents[2] / "account_dunning_be"
if str(ADDON_DIR) not in sys.path:
    sys.path.insert(0, str(ADDON_DIR))

from hypothesis import settings  # noqa: E402

# CI machines are shared: no per-example deadline, and the same examples on every run
settings.register_profile("dunning", deadline=None, derandomize=True)
settings.load_profile("dunning")
