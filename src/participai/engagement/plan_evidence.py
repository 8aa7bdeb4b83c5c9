"""Evidence that mechanism obligations are met: activities of the engagement plan."""
