"""The command line: ``conncheck check | decode | history | echo-peer``."""
