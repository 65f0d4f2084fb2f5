"""The demo: the 1 GW program at the top-ranked site with its suppliers' stand-in feeds (`program`), and a
supplier check fired through beat and waited for (`beat`). Used by the demo commands and tests, never by the
product's services."""
