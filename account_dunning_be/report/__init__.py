from . import account_dunning_overdue_report
from . import account_dunning_effectiveness_report
