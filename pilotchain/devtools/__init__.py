"""Build-time checks run by `make` (static analysis, coverage reports); not used at run time."""
