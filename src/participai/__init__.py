"""ParticipAI: public bodies buying AI in the open."""

__version__ = "0.1.0"
