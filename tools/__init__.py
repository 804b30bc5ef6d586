"""Developer scripts: documentation generation and other chores."""
