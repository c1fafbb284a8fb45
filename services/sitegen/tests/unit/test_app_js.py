"""Runs js/app_smoke.js (jsdom) against freshly rendered stores — skipped where node + jsdom are not installed
(set NODE_PATH to a node_modules holding jsdom, e.g. `npm i --prefix /tmp/jsdom jsdom` → NODE_PATH=/tmp/jsdom/node_modules)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sitegen.domain.brief import extract_brief
from sitegen.domain.offline import generate_offline
from sitegen.site.render import render_site

SCRIPT = Path(__file__).parent / "js" / "app_smoke.js"
SITES = {
    "grocery": "Curam - fresh vegetables, Mumbai, local delivery, cash + UPI, green theme",
    "fashion": "Pixel Wear - streetwear t-shirts and hoodies, Rs 499 to 1999, black theme, Surat",
    "clinic": "Dr. Mehta Dental Clinic - Andheri West, Mumbai, appointments, blue theme",
}


def _jsdom_available() -> bool:
    node = shutil.which("node")
    if not node:
        return False
    probe = subprocess.run([node, "-e", "require.resolve('jsdom')"], capture_output=True, timeout=20)
    return probe.returncode == 0


@pytest.mark.skipif(not _jsdom_available(), reason="node with jsdom on NODE_PATH is not available")
def test_app_js_flows_in_jsdom(tmp_path: Path) -> None:
    for name, prompt in SITES.items():
        spec = generate_offline(extract_brief(prompt), store_id="sto_01test")
        files = render_site(
            spec, "https://x.webdpro.in/", "", razorpay_src="http://127.0.0.1:9300/checkout.js"
        )
        for rel, data in files.items():
            target = tmp_path / f"site_{name}" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    result = subprocess.run(
        [shutil.which("node"), str(SCRIPT), str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ALL OK" in result.stdout
