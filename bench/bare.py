"""The baseline of ``bench.pages``: the smallest Flask JSON app, served by the same gunicorn flags."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def ok():
    return jsonify(ok=True)
