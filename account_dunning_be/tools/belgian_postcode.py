import re


def belgian_language_of_zip(zip_code):
    """The language of a Belgian postcode's region: ``de`` in the East Cantons (4700-4791),
    ``fr`` in Brussels (1000-1299) and Wallonia, ``nl`` in Flanders; None when not a
    Belgian postcode."""
    digits = re.sub(r"\D", "", zip_code or "")
    if len(digits) != 4:
        return None
    code = int(digits)
    if 4700 <= code <= 4791:
        return "de"
    if 1000 <= code <= 1499 or 4000 <= code <= 7999:
        return "fr"
    return "nl"
