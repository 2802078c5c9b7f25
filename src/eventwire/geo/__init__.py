"""Geography: country names and an offline gazetteer, below actors and events."""
