"""Render synthetic power-bank labels for the photo reader's evaluation (deterministic).

Each label is drawn with PIL from the layout real labels use (brand, product name, "Model:",
electrical ratings, "SN:"/"SN Code:" + serial, certification text, sometimes a QR code of the
serial), for the models in knowledge/data, then photographed badly: rotation up to ±15°, blur,
noise, glare and JPEG compression. Image i is the same bytes for the same seed and Pillow.

    python -m evaluation.labels.generate OUT_DIR [--count 240] [--seed 17]

Images 0..39 are the frozen test split (committed under evaluation/labels/test/ with
manifest.json); tune only on the others.
"""

from __future__ import annotations

import argparse
import io
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from knowledge import Knowledge

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = (  # Debian's fonts-dejavu-core/-extra; the Sans faces are what label printers look like
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansCondensed.ttf",
    "DejaVuSansCondensed-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf",
    "DejaVuSerif.ttf", "DejaVuSerifCondensed.ttf", "DejaVuSans-Oblique.ttf",
)
TEST_COUNT = 40
TRAIN_COUNT = 200
SEED = 17
ANKER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # no O, no I (knowledge: never_uses "OI")
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class Truth:
    file: str
    model: str
    serial: str  # as the campaign's normalisation gives it
    brand: str
    qr: bool


def _fonts() -> list[Path]:
    found = [FONT_DIR / name for name in FONTS if (FONT_DIR / name).exists()]
    if not found:
        raise SystemExit("no DejaVu fonts: apt-get install fonts-dejavu-core fonts-dejavu-extra")
    return found


def _serial(rng: random.Random, brand: str, model: str) -> str:
    if brand == "Anker":
        return "".join(rng.choice(ANKER_ALPHABET) for _ in range(16))
    if brand == "Belkin":
        head = "35S" if model == "BPB002" else "57X" if model == "MMA008" else ""
        return head + "".join(rng.choice(ALNUM.replace("O", "").replace("I", ""))
                              for _ in range(14 - len(head)))
    if brand == "INIU":  # lot code inside the serial (000G21 … 000L21 are listed)
        lot = rng.choice(["000G21", "000H21", "000K21", "000L21", "000M22"])
        return "".join(rng.choice("0123456789") for _ in range(6)) + lot
    return "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(12))


def _grouped(serial: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.55:
        return serial
    if style < 0.85:
        return " ".join(serial[i:i + 4] for i in range(0, len(serial), 4))
    return serial.lower() if rng.random() < 0.1 else serial


def _rating_lines(rng: random.Random, name: str) -> list[str]:
    cap = "20000mAh 3.6V 72Wh" if "20" in name else "10000mAh 3.6V 36Wh"
    return [
        "Input: 5V⎓3A  9V⎓2A".replace("⎓", "="),
        f"Output: 5V⎓{rng.choice(['2.4', '3'])}A".replace("⎓", "="),
        f"Capacity: {cap}",
        rng.choice(["Made in China", "Designed in California", "Anker Innovations Limited",
                    "Li-ion battery", "Rated capacity: 6000mAh"]),
    ]


def _qr(data: str, size: int) -> Image.Image | None:
    try:
        import zxingcpp  # optional: the [ocr] extra
    except ImportError:
        return None
    barcode = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode)
    import numpy as np

    pixels = np.asarray(barcode.to_image(scale=max(2, size // 29)))
    return Image.fromarray(pixels).convert("L")


def render_label(rng: random.Random, brand: str, model: str, name: str, serial: str,
                 fonts: list[Path]) -> tuple[Image.Image, bool]:
    """A clean label (RGB) and whether it carries a QR code."""
    width = rng.randint(900, 1300)
    height = int(width * rng.uniform(0.5, 0.7))
    dark = rng.random() < 0.25  # grey print on a black body, as many Anker units are
    paper = (rng.randint(20, 45),) * 3 if dark else tuple(rng.randint(215, 250) for _ in range(3))
    ink = (rng.randint(170, 215),) * 3 if dark else (rng.randint(10, 60),) * 3
    label = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(label)
    font_path = rng.choice(fonts)
    sn_label = rng.choice(["SN:", "SN:", "SN Code:", "S/N:", "SN"])
    model_label = rng.choice(["Model:", "Model:", "Model No.:", "Model "])
    lines = [f"{model_label} {model}", *_rating_lines(rng, name)[: rng.randint(2, 4)],
             f"{sn_label} {_grouped(serial, rng)}"]
    if rng.random() < 0.5:  # the serial sometimes sits above the ratings
        lines.insert(1, lines.pop())
    # Font size: as large as fits (lines never overlap), with some variety below that.
    fit = int(0.9 * height / (2.0 + 1.4 + 1.35 * len(lines) + 1.9))
    base = rng.randint(int(fit * 0.75), fit)
    small = ImageFont.truetype(str(font_path), int(base * 0.8))
    body = ImageFont.truetype(str(font_path), base)
    big = ImageFont.truetype(str(_fonts()[1]), int(base * 1.6))
    margin = int(width * 0.06)
    y = int(height * 0.05)
    boxes: list[tuple[int, int, int, int]] = []

    def text(at: tuple[int, int], value: str, font: ImageFont.FreeTypeFont) -> None:
        draw.text(at, value, font=font, fill=ink)
        left, top, right, bottom = draw.textbbox(at, value, font=font)
        boxes.append((int(left), int(top), int(right), int(bottom)))

    text((margin, y), brand if brand != "INIU" else "iniu", big)
    y += int(base * 2.0)
    text((margin, y), name[:48], small)
    y += int(base * 1.4)
    for line in lines:
        text((margin, y), line, body)
        y += int(base * 1.35)
    cert = rng.choice(["CE  FC  RoHS  UKCA", "FCC ID: 2AOKB-A1263", "PSE  KC  CE", "CE RoHS"])
    text((margin, height - int(base * 1.5)), cert, small)
    qr = False
    code = _qr(serial, int(height * 0.28)) if rng.random() < 0.3 else None
    if code is not None:
        for top in (height - code.height - int(height * 0.05), int(height * 0.05)):
            spot = (width - code.width - margin, top, width - margin, top + code.height)
            if not any(_overlap(spot, box) for box in boxes):
                label.paste(code.convert("RGB"), spot[:2])
                qr = True
                break
    return label, qr


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    pad = 10
    return not (a[2] + pad < b[0] or b[2] + pad < a[0] or a[3] + pad < b[1] or b[3] + pad < a[1])


def photograph(label: Image.Image, rng: random.Random) -> bytes:
    """The label as a phone would shoot it: tilted, soft, noisy, glared, JPEG-compressed."""
    angle = rng.uniform(-15, 15)
    background = tuple(rng.randint(60, 200) for _ in range(3))
    pad = int(max(label.size) * 0.08)
    canvas = Image.new("RGB", (label.width + 2 * pad, label.height + 2 * pad), background)
    canvas.paste(label, (pad, pad))
    shot = canvas.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                         fillcolor=background)
    scale = rng.uniform(0.75, 1.25)
    shot = shot.resize((int(shot.width * scale), int(shot.height * scale)),
                       Image.Resampling.BILINEAR)
    blur = rng.choice([0, 0, 0.6, 1.0, 1.4])
    if blur:
        shot = shot.filter(ImageFilter.GaussianBlur(blur))
    if rng.random() < 0.4:  # glare: a soft bright ellipse
        glare = Image.new("L", shot.size, 0)
        gx, gy = rng.randint(0, shot.width), rng.randint(0, shot.height)
        r = int(min(shot.size) * rng.uniform(0.12, 0.3))
        ImageDraw.Draw(glare).ellipse((gx - r, gy - r // 2, gx + r, gy + r // 2),
                                      fill=int(rng.uniform(90, 170)))
        glare = glare.filter(ImageFilter.GaussianBlur(r / 2.5))
        shot = Image.composite(Image.new("RGB", shot.size, (255, 255, 255)), shot, glare)
    sigma = rng.choice([0, 4, 8, 12])
    if sigma:
        noise = Image.effect_noise(shot.size, sigma).convert("RGB")
        shot = Image.blend(shot, noise, 0.12)
    out = io.BytesIO()
    shot.save(out, "JPEG", quality=rng.randint(45, 92))
    return out.getvalue()


# The models labels are drawn from: those of the knowledge when the test split was frozen, so
# adding campaigns later never changes the frozen labels (tests/photo/test_frozen_split.py).
LABEL_MODELS: tuple[str, ...] = (
    "2G505B", "2G512B", "2G520", "A1112", "A1257", "A1263", "A1366", "A1642", "A1647", "A1652",
    "A1680", "A1681", "A1689", "BI-B41", "BPB002", "MMA008", "PAC20-272", "PAC20-392", "PB0003",
    "PB2030MI", "PLT20A-152", "PPCXM06", "PPCXW06", "W1056",
)


def products(knowledge: Knowledge) -> list[tuple[str, str, str]]:
    """(brand, model, name) for the label models, stable order."""
    seen: dict[str, tuple[str, str, str]] = {}
    for model in LABEL_MODELS:
        product = knowledge.index.product(model)
        campaign = knowledge.index.campaigns_for_model(model)[0]
        seen[model] = (campaign.brand, model, product.name if product else model)
    return [seen[m] for m in sorted(seen)]


def generate(out_dir: Path, count: int, seed: int = SEED, only: range | None = None) -> list[Truth]:
    knowledge = Knowledge.load()
    catalogue = products(knowledge)
    fonts = _fonts()
    out_dir.mkdir(parents=True, exist_ok=True)
    truths: list[Truth] = []
    for i in range(count):
        rng = random.Random(f"{seed}-{i}")
        # Anker models are most of the recalls and the hard serials: two labels in three.
        anker = [p for p in catalogue if p[0] == "Anker"]
        brand, model, name = rng.choice(anker if rng.random() < 0.67 else catalogue)
        serial = _serial(rng, brand, model)
        if only is not None and i not in only:
            continue
        label, qr = render_label(rng, brand, model, name, serial, fonts)
        data = photograph(label, rng)
        file = f"label-{i:03d}.jpg"
        (out_dir / file).write_bytes(data)
        truths.append(Truth(file, model, serial, brand, qr))
    return truths


def write_truth(out_dir: Path, truths: list[Truth]) -> None:
    (out_dir / "truth.json").write_text(json.dumps([asdict(t) for t in truths], indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=TEST_COUNT + TRAIN_COUNT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    truths = generate(args.out, args.count, args.seed)
    write_truth(args.out, truths)
    print(f"{len(truths)} labels in {args.out}")


if __name__ == "__main__":
    main()
