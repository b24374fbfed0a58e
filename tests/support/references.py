"""A payment reference as a person mistypes it, for the tests that must see the typo caught."""


def one_digit_mistyped(reference: str) -> str:
    """The reference with one check digit typed wrong.

    A digit typed as another digit is always caught by the mod-97 check; a letter typed as a
    digit (or a digit as a letter) slips through about once in 97, since a letter counts as
    two digits, so a test that mistyped a random order code's last character failed now and
    then. Every reference has digits in positions 2 and 3."""
    digit = int(reference[3])
    return reference[:3] + str((digit + 1) % 10) + reference[4:]
