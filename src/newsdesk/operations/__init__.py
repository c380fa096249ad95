"""Running the desk in production: health checks, metrics, backups, retention."""
