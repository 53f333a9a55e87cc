"""A read API of the published figures (issue 19): FastAPI over `published` only, as `jsna_reader`.

app        the routes, their parameters and errors
snapshot   one REPEATABLE READ transaction per response, naming the refresh run it reads
formats    JSON, CSV, Parquet and GeoJSON bodies; content negotiation; ETags keyed on the run
docs       the offline documentation page (no CDN)
server     `jsna api`: uvicorn serving the app
"""
