"""The root of mops' typed errors. Each package adds its own subclasses in `<package>/errors.py`."""


class MopsError(Exception):
    """An error the user can act on: its message says what is wrong and what to do."""
