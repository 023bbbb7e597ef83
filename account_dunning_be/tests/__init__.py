from . import test_install
from . import test_dunning_escalation
from . import test_dunning_rate
from . import test_dunning_wizard
from . import test_dunning_letter_report
from . import test_dunning_wizard_tour
from . import test_dunning_letter_paper
