"""The mail outbox: messages queued by the domains and sent by `labline mail send`."""
