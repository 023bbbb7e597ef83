from . import test_install
from . import test_dunning_escalation
from . import test_dunning_rate
