"""The model: the values Gongkai works with. Imports nothing else of generator (but format.py until it moves here)."""
