import pytest

pytestmark = pytest.mark.integration


def _preview_path(store: dict) -> str:
    return store["previewUrl"].split("127.0.0.1:8080", 1)[-1]


async def test_edits_make_new_versions_and_revert_restores(client, merchant, generate):
    h = merchant["headers"]
    store = await generate(h)
    sid = store["storeId"]
    r = await client.patch(
        f"/api/sitegen/stores/{sid}/draft",
        json={
            "edits": [
                {"path": "copy.en.tagline", "value": "Farm-fresh sabzi, delivered in Andheri"},
                {"path": "theme.brand", "value": "#0f766e"},
            ]
        },
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    home = (await client.get(_preview_path(r.json()))).text
    assert "Farm-fresh sabzi, delivered in Andheri" in home
    versions = (await client.get(f"/api/sitegen/stores/{sid}/versions", headers=h)).json()["items"]
    assert [v["version"] for v in versions] == [1, 2]
    reverted = await client.post(f"/api/sitegen/stores/{sid}/draft/revert", json={"version": 1}, headers=h)
    assert reverted.status_code == 200 and reverted.json()["version"] == 3
    assert (
        "Farm-fresh sabzi, delivered in Andheri"
        not in (await client.get(_preview_path(reverted.json()))).text
    )


async def test_script_in_an_edit_is_rendered_inert(client, merchant, generate):
    h = merchant["headers"]
    store = await generate(h)
    r = await client.patch(
        f"/api/sitegen/stores/{store['storeId']}/draft",
        json={
            "edits": [
                {
                    "path": "copy.en.about",
                    "value": 'Fresh daily <script>alert(1)</script><a href="javascript:alert(2)">x</a> veggies',
                }
            ]
        },
        headers=h,
    )
    assert r.status_code == 200, r.text
    home = (await client.get(_preview_path(r.json()))).text
    assert "alert(1)" not in home and "javascript:" not in home
    assert "Fresh daily" in home


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        ({"path": "copy.en.nonsense", "value": "x"}, "UNKNOWN_EDIT_PATH"),
        ({"path": "products.prd_doesnotexist.pricePaise", "value": 1000}, "UNKNOWN_EDIT_PATH"),
        ({"path": "theme.brand", "value": "green"}, "INVALID_EDIT"),
        ({"path": "name", "value": ""}, "INVALID_EDIT"),
    ],
)
async def test_bad_edits_are_problems_and_change_nothing(client, merchant, generate, edit, code):
    h = merchant["headers"]
    store = await generate(h)
    r = await client.patch(f"/api/sitegen/stores/{store['storeId']}/draft", json={"edits": [edit]}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == code
    after = (await client.get(f"/api/sitegen/stores/{store['storeId']}", headers=h)).json()
    assert after["version"] == 1


async def test_price_edits_must_be_positive_integer_paise(client, merchant, generate, aws_emulator):
    h = merchant["headers"]
    store = await generate(h)
    sid = store["storeId"]
    spec = await _load_spec(sid)
    product = spec["catalog"]["products"][0]["id"]
    for bad in (-500, 12.5, "100", 0):
        r = await client.patch(
            f"/api/sitegen/stores/{sid}/draft",
            json={"edits": [{"path": f"products.{product}.pricePaise", "value": bad}]},
            headers=h,
        )
        assert r.status_code == 422 and r.json()["code"] == "INVALID_PRICE", (bad, r.text)
    ok = await client.patch(
        f"/api/sitegen/stores/{sid}/draft",
        json={"edits": [{"path": f"products.{product}.pricePaise", "value": 4950}]},
        headers=h,
    )
    assert ok.status_code == 200
    assert (
        next(p for p in (await _load_spec(sid))["catalog"]["products"] if p["id"] == product)["price_paise"]
        == 4950
    )


async def test_rewrite_and_image_regeneration_work_offline(client, merchant, generate):
    h = merchant["headers"]
    store = await generate(h)
    sid = store["storeId"]
    r = await client.post(
        f"/api/sitegen/stores/{sid}/draft/rewrite",
        json={"path": "copy.en.about", "instruction": "make it shorter"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    spec = await _load_spec(sid)
    image = next(i for i in spec["images"]["images"] if i["kind"] == "product")
    r = await client.post(
        f"/api/sitegen/stores/{sid}/draft/images/{image['id']}/regenerate",
        json={"prompt": "a basket of red tomatoes"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["version"] == 3
    new = next(i for i in (await _load_spec(sid))["images"]["images"] if i["id"] == image["id"])
    assert new["prompt"] == "a basket of red tomatoes" and new["svg"] != image["svg"]
    r = await client.post(
        f"/api/sitegen/stores/{sid}/draft/images/img_nope000000/regenerate", json={"prompt": "abc"}, headers=h
    )
    assert r.status_code == 404


async def _load_spec(store_id: str) -> dict:
    import json

    from webdpro_aws.clients import AwsClients
    from webdpro_aws.manifest import Names, load_manifest
    from webdpro_core.settings import BaseSettings, load

    settings = load(BaseSettings)
    clients = AwsClients(settings)
    try:
        s3 = await clients.get("s3")
        bucket = Names(load_manifest(), settings.resource_prefix).bucket("sites")
        listed = await s3.list_objects_v2(Bucket=bucket, Prefix=f"stores/{store_id}/")
        latest = sorted(o["Key"] for o in listed["Contents"] if o["Key"].endswith("spec.json"))[-1]
        obj = await s3.get_object(Bucket=bucket, Key=latest)
        async with obj["Body"] as body:
            return json.loads(await body.read())
    finally:
        await clients.close()
