"""``GET /api/v1/knowledge/search``: BM25 search of laws, cases and curated answers."""

from ninja import Query, Router, Schema
from pydantic import Field

from gonghui.accounts.auth import staff_auth
from gonghui.knowledge import search as engine

router = Router(tags=["knowledge"])


class SearchQuery(Schema):
    q: str = Field(..., min_length=1, max_length=500)
    limit: int = Field(10, ge=1, le=50)


class ResultOut(Schema):
    source: str
    law: str
    article: str
    text: str
    score: float
    citation: str


class SearchOut(Schema):
    results: list[ResultOut]


@router.get("/search", response=SearchOut, auth=staff_auth, summary="Search the knowledge base")
def search(request, query: Query[SearchQuery]):
    hits = engine.search(query.q, limit=query.limit)
    return {
        "results": [
            {
                "source": h.source,
                "law": h.law,
                "article": h.article,
                "text": h.text,
                "score": h.score,
                "citation": h.citation,
            }
            for h in hits
        ]
    }
