"""An electronics shop's own export, generated for the tests: products, customers, events, reviews.

Its column names, event values and timestamp format are its own (nothing like the contract's),
and ``MAPPING`` is the mapping file a user would write for it. Product photos are drawn per
category (a ring for headphones, a wide block for laptops, a tall block for phones, a diagonal
line for cables) on a light background, in colour, like catalog photos.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

KINDS = {
    "Headphones": ("Audio", "headphones"),
    "Laptops": ("Computers", "laptop"),
    "Phones": ("Mobile", "phone"),
    "Cables": ("Accessories", "cable"),
}
MAKERS = ("Voltra", "Kessel", "Orbix", "Lumen")
FINISHES = ("Black", "Silver", "White", "Blue")
ACTIONS = ("seen", "tapped", "basket", "bought")
TIME_FORMAT = "%d/%m/%Y %H:%M"
START = datetime(2025, 1, 6, 9, 0)

MAPPING = """\
name: voltra-electronics
description: an electronics shop's export (test data)
tables:
  catalog:
    source: products.csv
    columns: {item_id: sku, title: product_name, description: blurb, price: list_price, image_uri: photo}
    category_columns: [dept, aisle, kind]
    attributes: {brand: maker, colour: finish, warranty: warranty_years}
  users:
    source: customers.csv
    columns: {user_id: cust_no}
    attributes: {country: region, segment: tier}
  interactions:
    source: events.csv
    columns: {user_id: cust_no, item_id: sku, timestamp: when, event: action, quantity: qty}
    events: {seen: view, tapped: click, basket: cart, bought: purchase}
    timestamp_format: "%d/%m/%Y %H:%M"
  reviews:
    source: reviews.csv
    columns: {item_id: sku, text: body, title: headline, rating: stars}
"""


def draw(kind: str, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (48, 48), (235 + rng.randint(0, 20), 235, 230 + rng.randint(0, 25)))
    pen = ImageDraw.Draw(img)
    colour = (rng.randint(10, 90), rng.randint(10, 90), rng.randint(10, 120))
    j = rng.randint(-3, 3)
    if kind == "Headphones":
        pen.ellipse((10 + j, 10, 38 + j, 38), outline=colour, width=5)
    elif kind == "Laptops":
        pen.rectangle((5, 16 + j, 43, 32 + j), fill=colour)
    elif kind == "Phones":
        pen.rectangle((17 + j, 4, 31 + j, 44), fill=colour)
    else:
        pen.line((6, 6 + j, 42, 42 + j), fill=colour, width=4)
    return img


@dataclass(frozen=True)
class Shop:
    folder: Path
    mapping: Path
    skus: list[str]
    customers: list[str]


def write_rows(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def make_shop(folder: Path, *, items_per_kind: int = 20, customers: int = 40, seed: int = 3) -> Shop:
    """Write the four CSV files, the photos and the mapping file into ``folder``."""
    rng = random.Random(seed)
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    products, skus = [], []
    for kind, (aisle, noun) in KINDS.items():
        for n in range(items_per_kind):
            sku = f"{kind[:3].upper()}-{n:03d}"
            maker, finish = rng.choice(MAKERS), rng.choice(FINISHES)
            draw(kind, rng).save(folder / "photos" / f"{sku}.png")
            products.append(
                [
                    sku,
                    f"{maker} {finish} {noun} {n}",
                    f"A {finish.lower()} {noun} by {maker}, model {n}.",
                    "Electronics",
                    aisle,
                    kind,
                    maker,
                    finish,
                    rng.choice([1, 2]),
                    f"{rng.uniform(5, 900):.2f}",
                    f"photos/{sku}.png",
                ]
            )
            skus.append(sku)
    write_rows(
        folder / "products.csv",
        [
            "sku",
            "product_name",
            "blurb",
            "dept",
            "aisle",
            "kind",
            "maker",
            "finish",
            "warranty_years",
            "list_price",
            "photo",
        ],
        products,
    )
    custs = [f"C{n:04d}" for n in range(customers)]
    write_rows(
        folder / "customers.csv",
        ["cust_no", "region", "tier"],
        [[c, rng.choice(["France", "Spain", "Japan"]), rng.choice(["gold", "basic"])] for c in custs],
    )
    events = []
    for c in custs:
        liked = rng.sample(list(KINDS), 2)
        for _ in range(rng.randint(12, 20)):
            kind = rng.choice(liked)
            sku = rng.choice([s for s in skus if s.startswith(kind[:3].upper())])
            when = START + timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 600))
            events.append([c, sku, when.strftime(TIME_FORMAT), rng.choice(ACTIONS), 1])
    write_rows(folder / "events.csv", ["cust_no", "sku", "when", "action", "qty"], events)
    reviews = []
    for sku in skus:
        for _ in range(3):
            good = rng.random() < 0.7
            reviews.append(
                [
                    sku,
                    5 if good else 2,
                    "Great sound and build" if good else "Stopped working",
                    "Works well, solid build and good battery." if good else "It broke after a week, poor quality.",
                ]
            )
    write_rows(folder / "reviews.csv", ["sku", "stars", "headline", "body"], reviews)
    mapping = folder / "mapping.yaml"
    mapping.write_text(MAPPING)
    return Shop(folder, mapping, skus, custs)
