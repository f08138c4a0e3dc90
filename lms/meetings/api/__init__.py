"""JSON doors of group sessions and their register (``sessions``), the calendar and time zone (``calendar``)."""
