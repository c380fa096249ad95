"""Low-level helpers that several rooms need: URLs, HTML, charsets.

Nothing here imports from a room; every room may import from here.
"""
