
from . import account_dunning_rate_derive
from . import account_dunning_rate_import
