"""When a standup runs and for whom: schedules, zones, planning, durable jobs."""
