"""Small pieces every app's public pages share; imports Django only, never a project app."""
