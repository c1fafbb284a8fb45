"""Runs js/app_smoke.js (jsdom) against freshly rendered stores: a grocery, a fashion and a clinic store's script
flows without a browser (tests/browser drives the live store in Chromium). `make test` installs jsdom from the
npm registry into js/node_modules (`make jsdom`, from js/package-lock.json)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from sitegen.domain.brief import extract_brief
from sitegen.domain.offline import generate_offline
from sitegen.site.render import render_site

JS = Path(__file__).parent / "js"
SCRIPT = JS / "app_smoke.js"
SITES = {
    "grocery": "Curam - fresh vegetables, Mumbai, local delivery, cash + UPI, green theme",
    "fashion": "Pixel Wear - streetwear t-shirts and hoodies, Rs 499 to 1999, black theme, Surat",
    "clinic": "Dr. Mehta Dental Clinic - Andheri West, Mumbai, appointments, blue theme",
}


def test_app_js_flows_in_jsdom(tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node and (JS / "node_modules" / "jsdom").is_dir(), "node and jsdom are needed: run `make jsdom`"
    for name, prompt in SITES.items():
        spec = generate_offline(extract_brief(prompt), store_id="sto_01test")
        files = render_site(
            spec, "https://x.webdpro.in/", "", razorpay_src="http://127.0.0.1:9300/checkout.js"
        )
        for rel, data in files.items():
            target = tmp_path / f"site_{name}" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    result = subprocess.run([node, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ALL OK" in result.stdout
