"""Storage layer: the SQLite file, its migrations, backups and the repository."""
