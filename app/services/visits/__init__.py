"""Visit rounds: who contacts which household when (planned with the scheduling engine),
review and publication, and members recording outcomes."""
