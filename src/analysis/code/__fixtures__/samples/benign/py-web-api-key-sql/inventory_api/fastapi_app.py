import os
import secrets
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException
from sqlalchemy import text
from sqlalchemy.orm import Session

from .db import get_session

app = FastAPI()


def api_key(x_api_key: Optional[str] = Header(default=None)) -> None:
    if x_api_key is None or not secrets.compare_digest(x_api_key, os.environ["INVENTORY_API_KEY"]):
        raise HTTPException(status_code=401)


@app.get("/items/{item_id}", dependencies=[Depends(api_key)])
def read_item(item_id: int, session: Session = Depends(get_session)):
    row = session.execute(text("SELECT id, name, qty FROM items WHERE id = :id"), {"id": item_id}).first()
    if row is None:
        raise HTTPException(status_code=404)
    return dict(row._mapping)


@app.get("/healthz")
def healthz(x_probe: Optional[str] = Header(default=None)):
    if x_probe == "kubernetes":
        return {"status": "ok", "probe": True}
    return {"status": "ok"}
