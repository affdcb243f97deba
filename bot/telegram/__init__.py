"""The Telegram adapter: python-telegram-bot handlers around the channel-neutral engine."""
