"""The SLA domain: calendars, agreements and clocks. Imports neither Qt nor SQLAlchemy."""
