from .belgian_postcode import belgian_language_of_zip
from .structured_reference import (
    format_structured_reference_be,
    is_valid_structured_reference_be,
)
