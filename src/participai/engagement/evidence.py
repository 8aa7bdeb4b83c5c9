"""Evidence that role obligations are met: actors on the actor map."""
