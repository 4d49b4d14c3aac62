"""Test-session plugins shared by every test folder."""

pytest_plugins = ["tests.postgres_server"]  # the throw-away PostgreSQL server fixtures
