"""Delivery: drain the outbox to Telegram, within its limits, through its errors."""
