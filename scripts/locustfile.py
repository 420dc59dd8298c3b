"""The mixed load of `make cluster-load`: worker journeys (find a station, open it, read
a policy answer, file an appeal) and staff journeys (queues, one appeal, the three
rates, early warnings, knowledge search), as locust users against the cluster's nginx.

The staff token and the API key come from the environment (scripts/cluster_load.py
creates them); every user picks its own point near a Beijing district centre.
"""

import os
import random
import uuid

from locust import HttpUser, between, task

CENTRES = [(39.92, 116.44), (39.99, 116.47), (39.96, 116.30), (39.86, 116.29), (39.91, 116.40)]
QUESTIONS = [
    "拖欠工资怎么办",
    "没签劳动合同能要双倍工资吗",
    "加班费怎么算",
    "工伤认定要多久",
    "被辞退有补偿吗",
    "怎么加入工会",
]
TEXTS = [
    "朝阳区望京街道的快递站拖欠我两个月工资",
    "海淀区中关村的公司不给交社保",
    "我在丰台送外卖被平台无故扣钱",
    "西城区的餐馆老板不签劳动合同",
]


class Worker(HttpUser):
    weight = 4
    wait_time = between(1, 4)

    def on_start(self):
        self.lat, self.lng = random.choice(CENTRES)
        self.lat += random.uniform(-0.03, 0.03)
        self.lng += random.uniform(-0.03, 0.03)
        self.stations = []

    @task(5)
    def nearby(self):
        r = self.client.get(
            "/api/v1/stations/nearby",
            params={"lat": self.lat, "lng": self.lng},
            name="GET /api/v1/stations/nearby",
        )
        if r.ok:
            self.stations = [s["id"] for s in r.json().get("results", [])][:5]

    @task(3)
    def station(self):
        if self.stations:
            self.client.get(
                f"/api/v1/stations/{random.choice(self.stations)}", name="GET /api/v1/stations/{id}"
            )

    @task(2)
    def pages(self):
        self.client.get("/h5/", name="GET /h5/")
        self.client.get("/h5/stations/", name="GET /h5/stations/")

    @task(1)
    def intake(self):
        self.client.post(
            "/api/v1/appeals",
            name="POST /api/v1/appeals",
            json={
                "text": random.choice(TEXTS),
                "phone": f"139{random.randint(0, 10**8 - 1):08d}",
                "channel": "hotline",
            },
            headers={
                "X-Api-Key": os.environ["CLUSTER_API_KEY"],
                "Idempotency-Key": uuid.uuid4().hex,
            },
        )


class Staff(HttpUser):
    weight = 1
    wait_time = between(2, 6)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {os.environ['CLUSTER_STAFF_TOKEN']}"
        self.appeals = []

    @task(4)
    def queue(self):
        r = self.client.get("/api/v1/appeals", name="GET /api/v1/appeals")
        if r.ok:
            self.appeals = [a["id"] for a in r.json().get("results", [])]

    @task(3)
    def appeal(self):
        if self.appeals:
            self.client.get(
                f"/api/v1/appeals/{random.choice(self.appeals)}", name="GET /api/v1/appeals/{id}"
            )

    @task(2)
    def rates(self):
        self.client.get("/api/v1/appeals/metrics", name="GET /api/v1/appeals/metrics")

    @task(2)
    def search(self):
        self.client.get(
            "/api/v1/knowledge/search",
            params={"q": random.choice(QUESTIONS)},
            name="GET /api/v1/knowledge/search",
        )

    @task(1)
    def warnings(self):
        self.client.get("/api/v1/warnings", name="GET /api/v1/warnings")
