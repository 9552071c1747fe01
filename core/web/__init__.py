"""What the web pages of every app share: the navigation, formatting for China, the page
helpers (pagination, filters kept in the URL) and the error pages."""
