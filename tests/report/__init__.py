"""Tests of app/report: the check code and the run history."""
