"""Per-language data: gettext catalogs and the guard's and NLU's lexicons.

A package only so that a wheel ships these files beside ``bot`` and ``dialogs``;
adding a language adds a folder here, not code.
"""
