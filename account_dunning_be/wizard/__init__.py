
from . import account_dunning_rate_derive
from . import account_dunning_rate_import
from . import account_move_dunning
from . import account_move_dunning_line
from . import account_move_dunning_partner
from . import account_dunning_letter_cancel
from . import account_dunning_letter_register
from . import base_partner_merge_automatic_wizard
