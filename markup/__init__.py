"""The one path that user-written text takes to HTML: see markup.render."""
