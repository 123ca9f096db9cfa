"""The people the programme is about. Only what is needed: no national ID, no diagnoses."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.accounts.models import User
from mbtrain.database import utcnow
from mbtrain.extensions import db


class Person(db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(30), default="")
    # skjermet / fortrolig adresse: identity hidden from partner organisations
    protected: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    # målform: bokmål ("nb") or nynorsk ("nn"), the person's own choice; a Norwegian
    # certificate is issued in it, whoever issues it (språklova)
    written_form: Mapped[str] = mapped_column(String(2), default="nb", server_default="nb")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    user: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Person {self.id}>"
