"""Verification codes: 55 random bits in Crockford base 32, and a Damm check character.

Eleven random characters and one check character, written ``K7QX-9M2P-4RTW``. The alphabet
has no I, L, O or U, and reading is forgiving (lower case, O for 0, I and L for 1, spaces
and dashes anywhere); the check character catches every single mistyped character and
every swap of two neighbouring ones, so a typo says "check the code" instead of "not found".
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BASE = len(ALPHABET)
RANDOM_CHARACTERS = 11  # 55 bits: guessing one of even a million codes takes ~2^35 tries
GROUP = 4
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


class CodeError(ValueError):
    """The text cannot be a verification code; the message says why, in Norwegian."""


def _times_two(value: int) -> int:
    """Multiplication by 2 in GF(32) (modulus x^5 + x^2 + 1)."""
    value <<= 1
    return value ^ 0b100101 if value & 0b100000 else value


def _damm(text: str) -> int:
    # Damm's quasigroup x*y = 2x + y over GF(32) is totally anti-symmetric, so unlike
    # Luhn mod 32 it also catches the swap of 0 and Z.
    interim = 0
    for char in text:
        interim = _times_two(interim) ^ _VALUE[char]
    return interim


def check_character(body: str) -> str:
    return ALPHABET[_times_two(_damm(body))]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARACTERS))
    return display(body + check_character(body))


def display(compact: str) -> str:
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def normalise(text: str) -> str:
    """The code in its printed form, or CodeError if it is mistyped."""
    compact = "".join(text.split()).replace("-", "").upper().translate(_READ_AS)
    if len(compact) != RANDOM_CHARACTERS + 1:
        raise CodeError("En kode har 12 tegn, som K7QX-9M2P-4RTW.")
    if any(char not in _VALUE for char in compact):
        raise CodeError("Koden inneholder tegn som ikke brukes i koder.")
    if _damm(compact) != 0:
        raise CodeError("Koden stemmer ikke. Sjekk at alle tegnene er skrevet av riktig.")
    return display(compact)
