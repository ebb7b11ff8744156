"""Channel adapters: translate platform updates into engine events and render replies."""
