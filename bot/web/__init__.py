"""The aiohttp side: web chat, agent console, admin, JSON API (see each module)."""
