"""Verification codes: unguessable, and a typo is caught rather than looked up."""

import math

import pytest

from mbtrain.certificates import codes


def test_a_code_carries_at_least_fifty_random_bits_and_reads_in_groups():
    code = codes.new_code()
    assert len(code) == 14 and code[4] == code[9] == "-"
    assert codes.RANDOM_CHARACTERS * math.log2(len(codes.ALPHABET)) >= 50
    assert len({codes.new_code() for _ in range(500)}) == 500


def test_reading_forgives_case_spaces_and_look_alike_letters():
    code = codes.new_code()
    typed = f"  {code.lower().replace('-', ' ')} ".replace("0", "o").replace("1", "l")
    assert codes.normalise(typed) == code


def test_every_single_wrong_character_and_every_swap_of_neighbours_is_caught():
    for _ in range(60):
        compact = codes.new_code().replace("-", "")
        for i in range(len(compact)):
            for char in codes.ALPHABET:
                if char != compact[i]:
                    with pytest.raises(codes.CodeError):
                        codes.normalise(compact[:i] + char + compact[i + 1 :])
            if i + 1 < len(compact) and compact[i] != compact[i + 1]:
                swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
                with pytest.raises(codes.CodeError):
                    codes.normalise(swapped)


@pytest.mark.parametrize(
    ("text", "message"),
    [("ABC", "12 tegn"), ("ABCD-EFGH-JKU!", "tegn som ikke brukes")],
)
def test_text_that_cannot_be_a_code_says_why_in_norwegian(text, message):
    with pytest.raises(codes.CodeError, match=message):
        codes.normalise(text)
