"""Browser tests: Playwright driving Debian's Chromium against pages served on loopback."""
