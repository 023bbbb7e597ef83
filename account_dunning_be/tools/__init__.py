from .belgian_postcode import belgian_language_of_zip
from .decimals import to_decimal
from .formatting import format_amount, format_date, format_number
from .notification import CLOSE, SOFT_RELOAD, notification_action
from .structured_reference import (
    format_structured_reference_be,
    is_valid_structured_reference_be,
)
