#!/usr/bin/env python3
"""
The example bot of examples/bot.ts, in Python with requests and python-socketio (Debian:
python3-requests, python3-socketio, python3-websocket; or pip install requests "python-socketio[client]").

It logs in (registering the first time), keeps a local copy of a symbol's bids from the subscribe
snapshot and the depth events (listen first, then subscribe; apply events newer than the
snapshot's update id; on a gap, subscribe again), keeps one buy order a cent under the best bid
of the others, and prints its order updates, checking their per-participant ids (pu/u) for gaps.
Every order has a clientOrderId, and a request that got no answer is sent again with the same
body: the exchange executes a clientOrderId at most once. Its access token is renewed with the
refresh token before it expires, and handed to the socket.

Run: EXCHANGE_URL=http://127.0.0.1:3000 WS_URL=http://127.0.0.1:3001 python3 examples/bot.py
"""
import base64
import json
import os
import threading
import time

import requests
import socketio

API = os.environ.get("EXCHANGE_URL", "http://127.0.0.1:3000")
WS = os.environ.get("WS_URL", "http://127.0.0.1:3001")
USER = os.environ.get("BOT_USER", "example-py-bot")
PASSWORD = os.environ.get("BOT_PASSWORD", "change-me-bot-secret")
SYMBOL = os.environ.get("BOT_SYMBOL", "ACME")
ROUNDS = int(os.environ.get("BOT_ROUNDS", "10"))


def call(method, path, body=None, token=None, attempts=5):
    """One request; sent again, the same body, when no answer came (connection failed or timed out)."""
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    for attempt in range(1, attempts + 1):
        try:
            res = requests.request(method, API + path, headers=headers, data=None if body is None else json.dumps(body), timeout=10)
            return res.status_code, res.json()
        except requests.RequestException:
            if attempt >= attempts:
                raise
            time.sleep(0.25 * attempt)


class Bot:
    def __init__(self):
        status, auth = call("POST", "/auth/register", {"username": USER, "password": PASSWORD})
        if status == 409:
            status, auth = call("POST", "/auth/login", {"username": USER, "password": PASSWORD})
        self.token = auth["data"]["accessToken"]
        self.refresh_token = auth["data"]["refreshToken"]
        self.lock = threading.Lock()
        self.bids = {}  # price -> quantity
        self.book_id = -1  # the update id the local book is at; -1 while no snapshot is in
        self.early = []
        self.updates = 0
        self.last_u = None  # the participant's last order-update id seen
        self.gaps = 0
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("order", self.on_order)
        self.sio.on("fill", lambda f: print(f"fill {f['side']} {f['quantity']} {f['symbol']} @ {f['price']} ({f['liquidity']})", flush=True))
        self.sio.on("depth", self.on_depth)
        self.sio.on("orderbook", self.on_orderbook)
        self.sio.connect(WS, auth={"token": self.token}, transports=["websocket"])
        self.renewal = None
        self.schedule_renewal()

    def lifetime(self):
        claims = self.token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
        return claims["exp"] - claims["iat"]

    def schedule_renewal(self):
        # renew well before the access token expires, and give the open socket the new one
        self.renewal = threading.Timer(self.lifetime() * 0.75, self.renew)
        self.renewal.daemon = True
        self.renewal.start()

    def renew(self):
        status, res = call("POST", "/auth/refresh", {"refreshToken": self.refresh_token})
        if status != 200:
            print(f"could not renew the session: {res.get('error')}", flush=True)
            return
        self.token = res["data"]["accessToken"]
        self.refresh_token = res["data"]["refreshToken"]
        self.sio.call("auth", {"token": self.token})
        self.schedule_renewal()

    def on_order(self, o):
        with self.lock:
            self.updates += 1
            # per-participant ids: each of our order events is one more than the one before
            if self.last_u is not None and o["pu"] != self.last_u:
                self.gaps += 1
            self.last_u = o["u"]
        print(f"order {o['orderId']} {o['status']} {o['filledQuantity']}/{o['quantity']} u={o['u']}", flush=True)

    def on_depth(self, d):
        with self.lock:
            if self.book_id < 0:
                self.early.append(d)
                return
            self.apply(d)

    def apply(self, d):
        if d["u"] <= self.book_id:
            return  # already in the snapshot
        # a gap: this copy can no longer be trusted. Not `pu != book_id`: a message merged from batches
        # not yet sent may begin before the book's id (its changes are totals, so applying them is exact)
        if d["pu"] > self.book_id:
            threading.Thread(target=self.resubscribe, daemon=True).start()
            self.book_id = -1
            return
        # every level one engine batch changed, in order
        for c in d["changes"]:
            if c["side"] != "BUY":
                continue
            if c["quantity"] == 0:
                self.bids.pop(c["price"], None)
            else:
                self.bids[c["price"]] = c["quantity"]
        self.book_id = d["u"]

    def on_orderbook(self, b):
        # fell behind (a full send buffer): the latest book follows, and depth goes on from its id
        with self.lock:
            if b.get("u") is None:
                return
            self.bids = {level["price"]: level["quantity"] for level in b["bids"]}
            self.book_id = b["u"]

    def resubscribe(self):
        with self.lock:
            self.book_id = -1
        self.sio.call("unsubscribe", {"channel": "market", "symbol": SYMBOL})
        sub = self.sio.call("subscribe", {"channel": "market", "symbol": SYMBOL})
        if not sub["ok"]:
            raise RuntimeError("cannot subscribe: " + sub["message"])
        with self.lock:
            snapshot = sub["snapshot"] or {"u": 0, "bids": []}
            self.bids = {level["price"]: level["quantity"] for level in snapshot["bids"]}
            self.book_id = snapshot.get("u", 0)
            buffered, self.early = self.early, []
            for d in buffered:
                self.apply(d)

    def best_bid(self, mine):
        with self.lock:
            others = [p for p, q in self.bids.items() if q - (mine[1] if mine and mine[0] == p else 0) > 0]
        return max(others) if others else None

    def run(self):
        self.resubscribe()
        placed = []
        working = None
        mine = None
        run = format(int(time.time() * 1000), "x")
        for i in range(ROUNDS):
            best = self.best_bid(mine)
            price = max(0.01, round((best if best is not None else 100) - 0.01, 2))
            if working is not None:
                call("POST", "/order/cancel", {"orderId": working}, self.token)
            status, res = call("POST", "/order/place", {"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "price": price, "quantity": 1, "clientOrderId": f"{USER}-{run}-{i}"}, self.token)
            # 200 with the verdict (retried: true when it is one placed before), 202 in the stream
            if status not in (200, 202):
                print(f"refused: {res['code']} {res['error']}", flush=True)
                break
            working = res["data"]["orderId"]
            mine = (price, 1)
            placed.append(working)
            time.sleep(0.2)
        if working is not None:
            call("POST", "/order/cancel", {"orderId": working}, self.token)
        time.sleep(0.3)
        if self.renewal is not None:
            self.renewal.cancel()
        self.sio.disconnect()
        print(f"done: {len(placed)} orders, {self.updates} updates, {self.gaps} gaps", flush=True)


if __name__ == "__main__":
    Bot().run()
