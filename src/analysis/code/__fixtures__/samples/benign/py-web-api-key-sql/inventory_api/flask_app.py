import hmac
import sqlite3

from flask import Flask, abort, current_app, g, jsonify, request

app = Flask(__name__)
app.config.from_prefixed_env()


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config.get("DATABASE", "inventory.db"))
        g.db.row_factory = sqlite3.Row
    return g.db


@app.before_request
def check_api_key():
    expected = current_app.config.get("API_KEY")
    given = request.headers.get("X-API-Key", "")
    if not expected or not hmac.compare_digest(given, expected):
        abort(401)


@app.get("/items/<int:item_id>")
def get_item(item_id):
    row = get_db().execute("SELECT id, name, qty FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        abort(404)
    return jsonify(dict(row))


@app.get("/items")
def search_items():
    name = request.args.get("name", "")
    if request.args.get("exact") == "1":
        rows = get_db().execute("SELECT id, name, qty FROM items WHERE name = ?", (name,)).fetchall()
    else:
        rows = get_db().execute("SELECT id, name, qty FROM items WHERE name LIKE ?", (f"%{name}%",)).fetchall()
    return jsonify([dict(r) for r in rows])


@app.post("/items")
def create_item():
    body = request.get_json(force=True)
    cur = get_db().execute("INSERT INTO items (name, qty) VALUES (?, ?)", (body["name"], int(body.get("qty", 0))))
    get_db().commit()
    return jsonify({"id": cur.lastrowid}), 201
