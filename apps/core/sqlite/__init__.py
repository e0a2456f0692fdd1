"""Django's SQLite backend, with the writers of one process queuing for the write lock in order (`base.py`)."""
