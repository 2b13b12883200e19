"""A FastAPI app with the most common CORS mistake, for scans driven by its OpenAPI document."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
# Any origin with credentials: Starlette echoes the request's Origin.
app.add_middleware(
    CORSMiddleware,
    allow_origin_regex=".*",
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


@app.get("/reports/{report_id}")
def read_report(report_id: int) -> dict[str, int]:
    return {"id": report_id}


@app.post("/reports")
def create_report() -> dict[str, str]:
    return {"status": "created"}
