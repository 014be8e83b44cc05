"""Flask-Admin model views, one module per menu category."""
