"""ISO 4217 minor units, exact half-up rounding of money, and money formatted for people."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

# Active ISO 4217 codes whose minor unit is not 2 decimals. Fund and metal codes with no
# minor unit (XAU, XDR, ...) are left out on purpose: nobody sizes a pipeline in gold.
_ZERO_DECIMALS = frozenset(
    {
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
        "VUV", "XAF", "XOF", "XPF",
    }
)
_THREE_DECIMALS = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})
_FOUR_DECIMALS = frozenset({"CLF", "UYW"})
_TWO_DECIMALS = frozenset(
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
        "BGN", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
        "CHE", "CHF", "CHW", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD",
        "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD",
        "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW",
        "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT",
        "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK",
        "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR",
        "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC",
        "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "USN",
        "UYU", "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG",
    }
)

MINOR_UNITS: dict[str, int] = {
    **{code: 2 for code in _TWO_DECIMALS},
    **{code: 0 for code in _ZERO_DECIMALS},
    **{code: 3 for code in _THREE_DECIMALS},
    **{code: 4 for code in _FOUR_DECIMALS},
}

# Symbols only where they are unambiguous; every other code is written as "CODE 1,234.00".
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def is_known_currency(code: str) -> bool:
    """Tell whether `code` is an active ISO 4217 code with a minor unit."""
    return code in MINOR_UNITS


def minor_units(code: str) -> int:
    """Return the number of decimals of `code`'s minor unit; raise ValueError if unknown."""
    try:
        return MINOR_UNITS[code]
    except KeyError:
        raise ValueError(f"unknown ISO 4217 currency code: {code!r}") from None


def round_half_up(value: Fraction | int, places: int) -> Decimal:
    """Round `value` exactly to `places` decimals, halves away from zero (Decimal HALF_UP)."""
    return round_ratio_half_up(value.numerator, value.denominator, places)


def round_ratio_half_up(numerator: int, denominator: int, places: int) -> Decimal:
    """Round numerator / denominator (denominator > 0) like round_half_up, from two integers.

    For callers that already hold the integers: building a Fraction costs a gcd and several
    isinstance checks, and the sizer page rounds a few hundred numbers per request.
    """
    # Integer arithmetic: floor((2n + d) / 2d) is floor(n/d + 1/2), without building Fractions.
    scaled, d = abs(numerator) * 10**places, denominator
    whole = (2 * scaled + d) // (2 * d)
    signed = -whole if numerator < 0 else whole
    # Built from a string so no Decimal context precision can round it a second time.
    return Decimal(f"{signed}E{-places}")


def round_money(value: Fraction, code: str) -> Decimal:
    """Round `value` half-up to the minor unit of currency `code`."""
    return round_half_up(value, minor_units(code))


def format_money(value: Decimal, code: str) -> str:
    """Write `value` for people: "$1,643,835.62", "¥1,000", "KWD 1.250", "-$5.00"."""
    places = minor_units(code)
    # The exact ratio, as Fraction(value) would hold it, without building the Fraction.
    rounded = round_ratio_half_up(*value.as_integer_ratio(), places)
    digits = f"{abs(rounded):,.{places}f}"
    sign = "-" if rounded < 0 else ""
    return f"{sign}{money_prefix(code)}{digits}"


def money_prefix(code: str) -> str:
    """Return what format_money writes before the digits: "$", "€", or "KWD "."""
    symbol = _SYMBOLS.get(code)
    if symbol is not None:
        return symbol
    minor_units(code)  # an unknown code raises ValueError, as in format_money
    return f"{code} "
