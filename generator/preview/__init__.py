"""The preview (`gongkai serve`): build the site, serve it, rebuild on change. May import build and below."""
