"""The foundation every layer shares: the vocabulary of the results, the calendar, the error type.

Imports the standard library only.
"""
