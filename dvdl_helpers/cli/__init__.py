"""The course's command-line programs, one module each (declared as console scripts in ``pyproject.toml``)."""
