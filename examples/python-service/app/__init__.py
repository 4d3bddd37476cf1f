"""Order intake API (example project for depwarden)."""

import os

import requests
import yaml
from flask import Flask, jsonify, request
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ.get("DATABASE_URL", "postgresql+psycopg2://orders@localhost/orders"))


@app.post("/orders")
def create_order():
    order = request.get_json(force=True)
    with engine.begin() as db:
        db.execute(text("INSERT INTO orders (sku, qty) VALUES (:sku, :qty)"), order)
    requests.post(os.environ["FULFILMENT_URL"], json=order, timeout=5)
    return jsonify(status="accepted"), 202


@app.get("/config")
def config():
    with open(os.environ.get("ORDERS_CONFIG", "config.yaml")) as fh:
        return jsonify(yaml.safe_load(fh))
