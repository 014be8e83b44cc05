"""The real SMTP server process of the publish flow tests, for the messages sign-ups cause."""

from tests.app.scheduling.test_publish_flow import smtp_server

__all__ = ["smtp_server"]
