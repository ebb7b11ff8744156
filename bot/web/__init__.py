"""The HTTP side of Parley: web chat, agent console, admin, JSON API and /metrics (aiohttp).

:func:`bot.web.app.create_app` builds the application; :mod:`bot.serve` runs it.
"""
