"""The operations edge: command line, scheduler, health, lock, reprocess."""
