"""The article page: its text and every statement extracted from it, in reading order."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import Session

from app.filters import ART, S
from app.queries.records import ArticleRef, StatementRow, article_shape
from app.queries.statements import statement, statements

ARTICLE = article_shape("art", ART)


class ArticleDetail(BaseModel):
    article: ArticleRef
    text: str
    statements: list[StatementRow] = Field(description="Ordered by position in the text")


def get_article(*, session: Session, article_id: int) -> ArticleDetail | None:
    art = session.execute(select(*ARTICLE.columns, ART.c.text).where(ART.c.id == article_id)).mappings().first()
    if art is None:
        return None
    rows = statements(session, S.c.article_id == article_id, order=(S.c.start, S.c.end.desc(), S.c.id))
    return ArticleDetail(article=ARTICLE.read(art), text=art["text"], statements=[statement(m) for m in rows])
