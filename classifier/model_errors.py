"""ModelError: the one exception of reading, writing and building models (files, cards, recipes).

Its own module so that the recipe reader, the card checks and the model files can all raise it without importing
each other.
"""

from __future__ import annotations


class ModelError(Exception):
    """The model file or its card is missing, tampered with, or from an incompatible version."""
