"""Reports: the JSON document, text/HTML/PDF renderings, the check code, the run history."""
