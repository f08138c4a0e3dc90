"""HTML doors of group sessions (``sessions``) and of the calendar and time zone (``calendar``)."""
