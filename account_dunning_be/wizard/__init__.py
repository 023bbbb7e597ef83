
from . import account_dunning_rate_derive
from . import account_dunning_rate_import
from . import account_dunning_wizard
from . import account_dunning_letter_cancel
from . import account_dunning_letter_register
