"""Every SELECT the web uses, one module per page. Routes call these keyword-only functions
and never build SQL.

- `listing`: the allegation list, its total and the CSV export;
- `facets_flows`: the filter column's facet counts and the flow picture;
- `statements`: statements with their article, allegation and speakers (for the pages below);
- `allegation`, `article`, `actor`, `weapon`: the detail pages and the indexes;
- `changes`: the changes to the filtered allegations that `/feed.atom` reports;
- `records`: the records the pages and the JSON API are made of;
- `request` and `engines`: what a request computes once (the search, the data version) and
  the counting engine it uses (the process's bitmap index, or SQL).

Each facet is described once, in `app.facets`. No page reads more statements than it shows:
what the list, facets and filters need of an allegation's statements is kept by ingest on the
allegation or in the small allegation_system / allegation_claimant tables.
"""
from app.queries.actor import ActorCount, ActorDetail, actor_index, get_actor
from app.queries.allegation import AllegationDetail, TimelineBucket, get_allegation
from app.queries.article import ArticleDetail, get_article
from app.queries.engines import REC, SUP
from app.queries.facets_flows import Facet, FacetValue, Flow, facet_counts, filter_labels, flows
from app.queries.listing import (
    EXPORT_COLUMNS, EXPORT_FROM, AllegationPage, count_allegations, iter_allegation_batches, iter_allegations,
    list_allegations,
)
from app.queries.records import (
    ActorRef, AllegationBrief, AllegationRow, ArticleRef, CategoryRef, Hit, QuoteRef, StatementRow,
)
from app.queries.request import SearchTooBroad, check_search, data_version
from app.queries.sources import SourceRow, list_sources
from app.queries.weapon import CategoryCount, SystemCount, WeaponDetail, get_weapon, weapon_index

__all__ = [
    "ActorCount", "ActorDetail", "ActorRef", "AllegationBrief", "AllegationDetail", "AllegationPage", "AllegationRow",
    "EXPORT_COLUMNS", "EXPORT_FROM", "SearchTooBroad", "check_search", "iter_allegation_batches",
    "ArticleDetail", "ArticleRef", "CategoryCount", "CategoryRef", "Facet", "FacetValue", "Flow", "Hit", "QuoteRef",
    "REC", "SUP", "StatementRow", "SystemCount", "TimelineBucket", "WeaponDetail", "actor_index", "count_allegations",
    "data_version", "facet_counts", "filter_labels", "flows", "get_actor", "get_allegation", "get_article",
    "get_weapon", "iter_allegations", "list_allegations", "weapon_index", "SourceRow", "list_sources",
]
