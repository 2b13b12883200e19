"""A small FastAPI app with the CORS setup most tutorials show, and a bug behind it.

Run ``make demo`` (or the command below) to see what ``corsguard check`` makes of it:

    corsguard check /items --app examples.demo_app:app --origin https://app.example.com \\
        -X PUT -H 'Content-Type: application/json' --credentials include

The browser would report "No 'Access-Control-Allow-Origin' header is present", which sends
people to their CORS settings. The settings are fine: ``update_item`` raises, Starlette's
ServerErrorMiddleware (outside CORSMiddleware) answers 500 without CORS headers, and the
browser hides the 500 behind a CORS error. corsguard names the exception and the fix.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel

app = FastAPI(title="corsguard demo")
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


class Item(BaseModel):
    name: str


@app.get("/items")
def list_items() -> list[Item]:
    return [Item(name="first")]


@app.put("/items")
def update_item(item: Item) -> Item:
    database = os.environ["DEMO_DATABASE_URL"]  # not set: a KeyError, answered with a 500
    return Item(name=f"{item.name} saved to {database}")


@app.get("/reports/")
def reports() -> list[str]:
    # Declared with a trailing slash: /reports is redirected (307) by redirect_slashes.
    return []
