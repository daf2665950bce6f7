"""Forms of the site's own pages (the admin keeps its forms beside its classes)."""
