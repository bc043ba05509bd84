"""The window's pages: welcome, checking, results, details."""
