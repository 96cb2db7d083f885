"""Sign-in with a keystore file: decrypted in the page, SIWE to the API, the key never sent."""

from __future__ import annotations

from playwright.sync_api import expect

from pilotchain.accounts import AccountStore
from pilotchain.endpoints import resolve


def test_member_signs_in_with_its_keystore_and_password(page, console_url, network):
    store = AccountStore(resolve(network).accounts_dir)
    keystore, password = store.folder / "council-1.json", (store.folder / "council-1.password").read_text()
    sent = []
    page.on("request", lambda request: sent.append(request.post_data or ""))
    page.goto(f"{console_url}/signin")
    page.get_by_label("Keystore file (encrypted JSON)").set_input_files(keystore)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Unlock and sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=15_000)
    expect(page).to_have_url(f"{console_url}/directory")
    assert not [body for body in sent if password in body or '"crypto"' in body]


def test_wrong_password_is_refused_in_the_page(page, console_url, network):
    store = AccountStore(resolve(network).accounts_dir)
    page.goto(f"{console_url}/signin")
    page.get_by_label("Keystore file (encrypted JSON)").set_input_files(store.folder / "council-1.json")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Unlock and sign in").click()
    expect(page.get_by_test_id("signin-status")).to_have_text(
        "Sign-in failed: The password does not unlock this keystore.", timeout=15_000)
