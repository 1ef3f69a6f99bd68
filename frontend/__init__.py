"""Pages: views, templates, static files; they call the same services and selectors as the API."""
