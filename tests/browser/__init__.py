"""Browser tests: axe-core, keyboard, screens, theme and HTML validity in headless Chromium."""
