"""Kaoping (考评): performance evaluation of employment special funds and assessment of
employment work, for finance and human-resources bureaus and their evaluation agencies."""

__version__ = "0.1.0"
