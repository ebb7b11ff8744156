"""The ``parley`` sub-commands, one module each; :mod:`bot.cli` lists them."""
