"""Test and demo helpers: made-up resident ID numbers with a valid check digit.

The numbers are generated (region code, birth date, sequence, check digit per GB 11643)
and belong to nobody known; tests and demo data never use real people's numbers.
"""

from datetime import date

from stdnum.cn import ric


def make_id_number(
    seq: int, *, region: str = "110105", birth: date = date(1990, 5, 17), male: bool = True
) -> str:
    """Return a valid 18-character ID number; ``seq`` picks the 3-digit order code."""
    order = seq % 500 * 2 + (1 if male else 0)  # odd for men, even for women
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    # calc_check_digit reads all but the last character, so give it a placeholder.
    return body + ric.calc_check_digit(body + "0")
