"""Support tools in the window: read-out (guided) mode, decoding a code, earlier checks."""
