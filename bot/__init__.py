"""careerbot: a chatbot that answers questions about becoming a medical coding specialist."""

__version__ = "0.1.0"
