"""A post's sales figures, for its back office: `figures` (the queries: per year with growth,
by buyer country, best-selling issues), `charts` (the same as accessible SVG, drawn on the
server) and `export` (the same as CSV). The template `sales/_figures.html` lays them out."""
