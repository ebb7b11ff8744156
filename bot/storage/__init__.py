"""Storage: sqlmodel tables, repositories behind Protocols, the unit of work, migrations."""
