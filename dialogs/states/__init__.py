"""One module per state of DESIGN §6: each has ``handle(turn)`` and ``prompt(turn)``."""
