"""Sign-in with a keystore file: decrypted in the page, SIWE to the API, the key never sent."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.web.conftest import keystore_of, sign_in


def test_member_signs_in_with_its_keystore_and_password(page, console_url, network):
    keystore, password = keystore_of(network, "council-1")
    sent = []
    page.on("request", lambda request: sent.append(request.post_data or ""))
    sign_in(page, console_url, network, "council-1")
    expect(page).to_have_url(f"{console_url}/directory")
    assert sent, "the sign-in posted nothing"
    assert not [body for body in sent if password in body or '"crypto"' in body or keystore.read_text() in body]


def test_wrong_password_is_refused_in_the_page(page, console_url, network):
    keystore, _ = keystore_of(network, "council-1")
    page.goto(f"{console_url}/signin")
    page.get_by_label("Keystore file (encrypted JSON)").set_input_files(keystore)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Unlock and sign in").click()
    expect(page.get_by_test_id("signin-status")).to_have_text(
        "Sign-in failed: The password does not unlock this keystore.", timeout=15_000)
