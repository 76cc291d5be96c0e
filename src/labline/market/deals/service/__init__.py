"""The deals services: the deal state machine and its due days."""
