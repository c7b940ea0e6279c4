"""The one error type for input a person can correct; anything else is a bug."""


class InputError(ValueError):
    """Bad input: the message says what is wrong and what was expected."""
