"""The micromentor command line: the embedded stack, the demo, HR imports."""
