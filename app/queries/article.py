"""The article page: its text, every statement extracted from it in reading order, and the other
copies of its story (syndicated or near-duplicate articles grouped at ingest under one origin)."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import func, or_, select
from sqlmodel import Session

from app.filters import ART, PUBLIC, S
from app.queries.records import ArticleRef, StatementRow, article_shape
from app.queries.statements import statement, statements

ARTICLE = article_shape("art", ART)
MAX_COPIES = 50  # a story syndicated more widely is listed in part (the count says how many)


class ArticleDetail(BaseModel):
    article: ArticleRef
    text: str
    statements: list[StatementRow] = Field(description="Ordered by position in the text")
    origin_id: int = Field(description="The first stored article of its story (itself when it is the origin)")
    n_copies: int = Field(description="Other articles grouped with it as copies of one story")
    copies: list[ArticleRef] = Field(description=f"Those copies, oldest first (at most {MAX_COPIES})")


def get_article(*, session: Session, article_id: int, rejected: bool = False) -> ArticleDetail | None:
    """The article, its statements (rejected ones only when `rejected`, for editors) and its copies."""
    art = session.execute(
        select(*ARTICLE.columns, ART.c.text, func.coalesce(ART.c.origin_id, ART.c.id).label("origin"))
        .where(ART.c.id == article_id)
    ).mappings().first()
    if art is None:
        return None
    shown = [] if rejected else [PUBLIC]
    rows = statements(session, S.c.article_id == article_id, *shown, order=(S.c.start, S.c.end.desc(), S.c.id))
    origin = art["origin"]
    same_story = (or_(ART.c.origin_id == origin, ART.c.id == origin), ART.c.id != article_id)
    copies = session.execute(
        select(*ARTICLE.columns).where(*same_story).order_by(ART.c.id).limit(MAX_COPIES)
    ).mappings().all()
    n_copies = len(copies) if len(copies) < MAX_COPIES else session.execute(
        select(func.count()).select_from(ART).where(*same_story)).scalar_one()
    return ArticleDetail(article=ARTICLE.read(art), text=art["text"], statements=[statement(m) for m in rows],
                         origin_id=origin, n_copies=n_copies, copies=[ARTICLE.read(m) for m in copies])
