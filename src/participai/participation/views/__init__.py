"""Views of the participation app: public pages, workspace pages, moderation."""
