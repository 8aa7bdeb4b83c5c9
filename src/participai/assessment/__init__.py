"""Impact assessment: questionnaires as data, their scoring, and importers."""
