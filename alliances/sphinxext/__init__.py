"""Sphinx extensions the course's book needs (registered in ``_config.yml``)."""
