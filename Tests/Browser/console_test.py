"""The web console in a real Chromium (Debian's chromium and chromedriver, driven by Selenium).

Run by Tests/CLITests/ConsoleBrowserTests.swift against a running `actorkeys serve` whose root
key starts as the local one, with a real OpenBao to connect. It walks the console as a new
operator would: sign in as an infra admin, look at every page, test a connection that fails
(its code is shown) and one that works, save, see the status, refresh, edit, remove with the
confirmation; then sign in as an admin without is_infra_admin and be sent away from the
encryption page. It takes a screenshot of each page and fails on any console error (a CSP
violation among them). One JSON line per step goes to stdout; the exit status says it all.

Environment: ACTORKEYS_CONSOLE_URL, ACTORKEYS_CONSOLE_INFRA_TOKEN (is_admin and
is_infra_admin), ACTORKEYS_CONSOLE_ADMIN_TOKEN (is_admin only), ACTORKEYS_TEST_VAULT_ADDR,
ACTORKEYS_TEST_VAULT_TOKEN, ACTORKEYS_CONSOLE_SCREENSHOTS (a folder), ACTORKEYS_TEST_CHROMIUM
and ACTORKEYS_TEST_CHROMEDRIVER.
"""

import json
import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

env = os.environ
base = env["ACTORKEYS_CONSOLE_URL"].rstrip("/")
infra_token = env["ACTORKEYS_CONSOLE_INFRA_TOKEN"]
admin_token = env["ACTORKEYS_CONSOLE_ADMIN_TOKEN"]
vault_address = env["ACTORKEYS_TEST_VAULT_ADDR"]
vault_token = env["ACTORKEYS_TEST_VAULT_TOKEN"]
shots = env["ACTORKEYS_CONSOLE_SCREENSHOTS"]
secrets = [infra_token, admin_token, vault_token]


class Failure(Exception):
    pass


def step(name, **facts):
    print(json.dumps({"step": name, **facts}), flush=True)


def check(condition, message):
    if not condition:
        raise Failure(message)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = env["ACTORKEYS_TEST_CHROMIUM"]
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,800", "--lang=en-GB", "--no-first-run"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=env["ACTORKEYS_TEST_CHROMEDRIVER"]), options=options)
    driver.set_window_size(1280, 800)
    return driver


def wait(driver, condition, seconds=15):
    try:
        return WebDriverWait(driver, seconds).until(condition)
    except TimeoutException:
        raise Failure(f"timed out waiting at {driver.current_url}: {driver.find_element(By.TAG_NAME, 'main').text[:400]!r}")


def text_in(driver, locator, text):
    wait(driver, EC.text_to_be_present_in_element(locator, text))


def shoot(driver, name):
    path = os.path.join(shots, name)
    driver.save_screenshot(path)
    step("screenshot", file=path)


def no_console_errors(driver):
    severe = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    # A 4xx the walk asks for on purpose (a wrong token, a failed test, a missing field) is
    # logged by Chromium as a failed resource; anything else, and every CSP report, is a defect.
    expected = ("status of 401", "status of 400", "status of 422")
    unexpected = [m for m in severe if not any(status in m for status in expected)]
    check(not unexpected, f"console errors: {unexpected}")


def no_secret_on_page(driver):
    source = driver.page_source
    for secret in secrets:
        check(secret not in source, "a secret is on the page")
    check(all(secret not in driver.current_url for secret in secrets), "a secret is in the URL")


def sign_in(driver, token):
    driver.get(base + "/ui/")
    field = wait(driver, EC.visibility_of_element_located((By.ID, "token")))
    check(driver.find_element(By.CSS_SELECTOR, "label[for=token]").text == "API token", "no 'API token' label")
    field.clear()
    field.send_keys(token)
    driver.find_element(By.XPATH, "//button[normalize-space()='Sign in']").click()
    wait(driver, EC.visibility_of_element_located((By.ID, "page-title")))
    check(driver.execute_script("return window.localStorage.length") == 0, "something was put in localStorage")
    no_secret_on_page(driver)


def infra_admin(driver):
    driver.get(base + "/ui/")
    field = wait(driver, EC.visibility_of_element_located((By.ID, "token")))
    field.send_keys("ak_" + "x" * 43 + Keys.ENTER)
    text_in(driver, (By.ID, "sign-in-status"), "That token is not valid.")
    step("a wrong token is refused")

    sign_in(driver, infra_token)
    text_in(driver, (By.ID, "page-title"), "Overview")
    text_in(driver, (By.TAG_NAME, "main"), "Root key")
    check(driver.find_element(By.ID, "nav-encryption").is_displayed(), "an infra admin sees no Encryption link")
    shoot(driver, "console-overview.png")
    step("signed in as an infra admin; overview shows the root key and owners")

    driver.find_element(By.LINK_TEXT, "Actors").click()
    text_in(driver, (By.ID, "page-title"), "Actors")
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "table tbody tr")))
    enroll = driver.find_element(By.ID, "enroll-id")
    enroll.send_keys("carol" + Keys.ENTER)
    text_in(driver, (By.ID, "actors-status"), "Enrolled carol.")
    text_in(driver, (By.TAG_NAME, "tbody"), "carol")
    rows = driver.find_elements(By.XPATH, "//tbody/tr[td[1][normalize-space()='ops']]")
    check(len(rows) == 1, "ops is not listed")
    rows[0].find_element(By.XPATH, ".//button[normalize-space()='Edit']").click()
    dialog = wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, "dialog[open]")))
    labels = [label.text for label in dialog.find_elements(By.CSS_SELECTOR, ".checks label")]
    check("Infra admin" in labels, f"the permission dialog lacks 'Infra admin': {labels}")
    shoot(driver, "console-actors.png")
    dialog.find_element(By.ID, "perm-can_shred").send_keys(Keys.SPACE)
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Save']").click()
    text_in(driver, (By.ID, "actors-status"), "Saved the permissions of ops.")
    step("actors: enrolled carol from the keyboard, gave ops can_shred in the dialog")

    driver.find_element(By.LINK_TEXT, "Encryption").click()
    text_in(driver, (By.ID, "page-title"), "Encryption")
    check(driver.current_url == base + "/ui/settings/encryption", f"wrong URL {driver.current_url}")
    wait(driver, EC.presence_of_element_located((By.ID, "provider")))
    check(driver.find_element(By.ID, "tab-configuration").get_attribute("aria-selected") == "true", "not on Configuration")
    Select(driver.find_element(By.ID, "provider")).select_by_value("vault-transit")
    labels = [label.text for label in driver.find_elements(By.CSS_SELECTOR, "#config-form label")]
    check(labels == ["Provider", "Address", "Mount", "Key name", "Token"], f"vault labels: {labels}")
    Select(driver.find_element(By.ID, "provider")).select_by_value("azure-keyvault")
    labels = [label.text for label in driver.find_elements(By.CSS_SELECTOR, "#config-form label")]
    check(labels == ["Provider", "Vault URL", "Tenant ID", "Client ID", "Client secret", "Key name"], f"azure labels: {labels}")
    driver.find_element(By.ID, "field-vault_url").send_keys("https://example.com")
    driver.find_element(By.ID, "test-connection").click()
    text_in(driver, (By.ID, "config-result"), "key_name\" is required when provider is azure-keyvault")
    step("azure: without a key name the test names the missing field")
    driver.find_element(By.ID, "field-key_name").send_keys("actorkeys")
    driver.find_element(By.ID, "test-connection").click()
    text_in(driver, (By.ID, "config-result"), "invalid_uri")
    step("azure: a vault URL that is not *.vault.azure.net fails as invalid_uri")

    Select(driver.find_element(By.ID, "provider")).select_by_value("vault-transit")
    driver.find_element(By.ID, "field-address").send_keys(vault_address)
    driver.find_element(By.ID, "field-key_name").send_keys("actorkeys")
    driver.find_element(By.ID, "field-token").send_keys("s.not-the-token")
    driver.find_element(By.ID, "test-connection").click()
    text_in(driver, (By.ID, "config-result"), "auth_failed")
    step("a wrong token: the test shows auth_failed inline")

    driver.find_element(By.ID, "field-token").clear()
    driver.find_element(By.ID, "field-token").send_keys(vault_token)
    driver.find_element(By.ID, "test-connection").click()
    text_in(driver, (By.ID, "config-result"), "Connection OK")
    shoot(driver, "console-encryption-configuration.png")
    step("the right token: Connection OK")

    driver.find_element(By.ID, "save").click()
    text_in(driver, (By.ID, "encryption-panel"), "Saved: the workspace's root key is now vault-transit://")
    check(driver.find_element(By.ID, "tab-status").get_attribute("aria-selected") == "true", "Save did not open Status")
    wait(driver, EC.visibility_of_element_located((By.ID, "refresh")))
    text_in(driver, (By.CSS_SELECTOR, "#encryption-panel .facts"), "vault-transit")
    no_secret_on_page(driver)
    shoot(driver, "console-encryption-status.png")
    step("saved; Status shows the provider")

    refresh = driver.find_element(By.ID, "refresh")
    refresh.click()
    wait(driver, EC.staleness_of(refresh))
    wait(driver, EC.visibility_of_element_located((By.ID, "refresh")))
    text_in(driver, (By.ID, "encryption-panel"), "Current KEK version")
    step("refreshed")

    driver.find_element(By.ID, "edit-configuration").click()
    token = wait(driver, EC.visibility_of_element_located((By.ID, "field-token")))
    check(token.get_attribute("placeholder") == "stored — leave blank to keep", "the stored token is not shown as stored")
    check(token.get_attribute("value") == "", "the token came back into the form")
    check(driver.find_element(By.ID, "field-address").get_attribute("value") == vault_address, "address not shown")
    step("edit: the stored token shows as stored, blank")

    driver.find_element(By.ID, "tab-status").send_keys(Keys.ENTER)
    remove = wait(driver, EC.element_to_be_clickable((By.ID, "remove-configuration")))
    remove.click()
    dialog = wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, "dialog[open]")))
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Cancel']").click()
    text_in(driver, (By.ID, "encryption-panel"), "vault-transit")
    driver.find_element(By.ID, "remove-configuration").click()
    dialog = wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, "dialog[open]")))
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Remove']").click()
    text_in(driver, (By.ID, "encryption-panel"), "fallback available")
    wait(driver, EC.visibility_of_element_located((By.ID, "refresh")))
    text_in(driver, (By.CSS_SELECTOR, "#encryption-panel .facts"), "local")
    step("removed behind the confirmation; back on the local root key")

    driver.set_window_size(390, 844)
    driver.find_element(By.LINK_TEXT, "Overview").click()
    text_in(driver, (By.TAG_NAME, "main"), "Root key")
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check(overflow <= 0, f"the page is {overflow}px wider than a narrow window")
    shoot(driver, "console-overview-narrow.png")
    driver.find_element(By.LINK_TEXT, "Encryption").click()
    text_in(driver, (By.ID, "page-title"), "Encryption")
    wait(driver, EC.presence_of_element_located((By.ID, "provider")))
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check(overflow <= 0, f"the encryption page is {overflow}px wider than a narrow window")
    shoot(driver, "console-encryption-narrow.png")
    driver.set_window_size(1280, 800)
    step("narrow width: no sideways scrolling")

    driver.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
    wait(driver, EC.visibility_of_element_located((By.ID, "token")))
    check(driver.execute_script("return window.sessionStorage.length") == 0, "the token outlived sign-out")
    step("signed out")
    no_console_errors(driver)


def plain_admin(driver):
    sign_in(driver, admin_token)
    check(not driver.find_element(By.ID, "nav-encryption").is_displayed(), "a plain admin sees the Encryption link")
    driver.get(base + "/ui/settings/encryption")
    text_in(driver, (By.TAG_NAME, "main"), "is_infra_admin")
    text_in(driver, (By.ID, "page-title"), "Overview")
    check(driver.current_url == base + "/ui/", f"the guard left the page at {driver.current_url}")
    text_in(driver, (By.TAG_NAME, "main"), "Post-quantum rows")
    text_in(driver, (By.TAG_NAME, "thead"), "Key type")
    shoot(driver, "console-guard.png")
    step("an admin without is_infra_admin is sent to /ui/ with a message")
    no_console_errors(driver)


def main():
    os.makedirs(shots, exist_ok=True)
    driver = browser()
    try:
        infra_admin(driver)
        plain_admin(driver)
    except Exception as failure:  # a Selenium error too: report it with a screenshot
        shoot(driver, "console-failure.png")
        print(json.dumps({"failure": f"{type(failure).__name__}: {failure}"}), flush=True)
        return 1
    finally:
        driver.quit()
    print(json.dumps({"ok": True}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
