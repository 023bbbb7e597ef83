from . import law
from . import models
from . import report
from . import wizard


def _post_init_hook(env):
    """The Belgian ladder for every company already on the Belgian chart."""
    env["account.dunning.level"]._create_default_levels(
        env["res.company"]._dunning_default_companies())


def _uninstall_hook(env):
    """Drop what the addon added to Odoo's own tables: the overdue analysis' index."""
    env["account.dunning.overdue.report"]._drop_index()
