"""Dialogs: the error message, the privacy notice, the check code."""
