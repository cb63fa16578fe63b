"""The operators' console in headless Chromium (run by infra/console-tests).

An account manager's whole onboarding journey, through the pages as a person uses them: sign in,
create a tenant, move it to onboarding, invite its first owner (who accepts through the API, as they
would from the e-mail), tick the checklist, activate, suspend; every page is screenshotted into
SCREENSHOT_DIR and its content checked. Then: a form posted without its CSRF token changes nothing,
an account manager never sees a tenant they do not look after, the tenant page prints without its
forms, and signing out ends the session.
"""
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

base, admin_key, manager_key, other_manager_key, shots = sys.argv[1:6]
checks = 0
current = None  # the browser whose page a failed check describes


def check(condition, message):
    global checks
    if not condition:
        if current is not None:
            current.save_screenshot(f"{shots}/failure.png")
            main = current.find_elements(By.TAG_NAME, "main")
            message += f"\n  at {current.current_url}:\n  " + (main[0].text if main else current.page_source[:2000])
        raise AssertionError(message)
    checks += 1


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400",
                     "--disable-gpu", "--no-first-run"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def shot(driver, name):
    # The whole page, not just the window: the checklist and usage sections are below the fold.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(900, min(height + 100, 6000)))
    driver.save_screenshot(f"{shots}/{name}.png")
    driver.set_window_size(1280, 1400)


def heading(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def sign_in(driver, key):
    driver.get(base + "/console/sign-in")
    driver.find_element(By.ID, "key").send_keys(key)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def submit(driver, button):
    """Clicks a form's button and waits for the page it leads to (the old one goes stale)."""
    page = driver.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(driver, 15).until(expected_conditions.staleness_of(page))


def press(driver, label):
    submit(driver, driver.find_element(By.XPATH, f"//button[normalize-space()='{label}']"))


def change_status(driver, status, reason=None):
    driver.find_element(By.ID, f"move-{status}").click()
    if reason:
        driver.find_element(By.ID, "reason").send_keys(reason)
    driver.find_element(By.ID, "confirm").click()
    press(driver, "Change the status")


def status_shown(driver):
    return driver.find_element(By.CSS_SELECTOR, "#summary + dl .status").text


def post(path, body, cookie=None, content_type="application/json"):
    request = urllib.request.Request(base + path, data=body.encode(), method="POST",
                                     headers={"Content-Type": content_type, **({"Cookie": cookie} if cookie else {})})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


slug = f"browser-{int(time.time())}"
driver = current = browser()
try:
    # Sign-in → tenants.
    driver.get(base + "/console/tenants")
    check(heading(driver) == "Sign in", "an anonymous visitor is sent to the sign-in page")
    shot(driver, "01-sign-in")
    sign_in(driver, manager_key)
    check(heading(driver) == "Tenants", "signing in shows the tenants")
    check("The tenants you look after." in driver.page_source, "an account manager's tenants page says whose tenants it lists")
    shot(driver, "02-tenants")

    # Create a tenant.
    driver.get(base + "/console/tenants/new")
    check(heading(driver) == "Create a tenant", "the create page")
    driver.find_element(By.ID, "slug").send_keys(slug)
    driver.find_element(By.ID, "name").send_keys("Browser Contact Centre Ltd")
    driver.find_element(By.CSS_SELECTOR, "#plan option[value=starter]").click()
    shot(driver, "03-create-tenant")
    press(driver, "Create the tenant")
    check(heading(driver).startswith("Browser Contact Centre Ltd"), "creating a tenant opens its page")
    check(status_shown(driver) == "provisioning", "a new tenant is provisioning")
    tenant_path = urllib.parse.urlparse(driver.current_url).path
    tenant_id = tenant_path.rsplit("/", 1)[-1]

    # Onboarding, and the first owner's invitation (its token shown once).
    change_status(driver, "onboarding")
    check(status_shown(driver) == "onboarding", "the tenant moved to onboarding")
    driver.find_element(By.ID, "owner-email").send_keys("owner@browser.example")
    press(driver, "Invite the first owner")
    token = driver.find_element(By.CSS_SELECTOR, "code.token").text
    check(token.startswith("pmo_inv_"), "the invitation token is shown once")
    shot(driver, "04-owner-invited")
    status, body = post("/v1/invitations/accept", json.dumps({"token": token}))
    check(status == 201 or status == 200, f"the owner accepts the invitation through the API ({status}: {body})")

    # Tick the checklist: the owner steps ticked themselves.
    driver.get(base + tenant_path)
    check("Mark “Contract signed” done" in driver.page_source, "the contract step can be ticked")
    press(driver, "Mark “Contract signed” done")
    press(driver, "Skip “Single sign-on configured”")
    press(driver, "Skip “Data imported”")
    press(driver, "Mark “Kick-off held” done")
    check("Every mandatory step is done or skipped" in driver.page_source, "the checklist is complete")
    rows = {row.find_element(By.TAG_NAME, "th").text.split(" mandatory")[0].split(" ticks itself")[0]:
            row.find_element(By.CSS_SELECTOR, ".state").text
            for row in driver.find_elements(By.CSS_SELECTOR, "#checklist ~ table tbody tr")}
    check(rows.get("First owner accepted the invitation") == "done", f"the owner step ticked itself: {rows}")
    shot(driver, "05-checklist-ticked")

    # Activate, then suspend with a reason.
    change_status(driver, "active")
    check(status_shown(driver) == "active", "the tenant is active")
    check("The tenant's status was changed." in driver.page_source, "the change is confirmed")
    shot(driver, "06-active")
    change_status(driver, "suspended", reason="Invoice 1 unpaid")
    check(status_shown(driver) == "suspended", "the tenant is suspended")
    check("Invoice 1 unpaid" in driver.page_source, "the reason is shown with the status")
    shot(driver, "07-suspended")
    # The browser refuses to submit a status change without its confirmation; the server refuses too.
    cookie = "pmo_console=" + driver.get_cookie("pmo_console")["value"]
    csrf = driver.find_element(By.CSS_SELECTOR, "input[name=csrf]").get_attribute("value")
    status, body = post(tenant_path.replace("/tenants/", "/tenants/", 1) + "/status",
                        urllib.parse.urlencode({"csrf": csrf, "status": "active", "reason": "x"}), cookie,
                        "application/x-www-form-urlencoded")
    check(status == 400 and "Tick the confirmation" in body, f"a status change without confirmation is refused ({status})")

    # A form without its CSRF token, or with another, changes nothing.
    for form in ({"status": "active", "reason": "forged", "confirm": "yes"},
                 {"csrf": "x" * 52, "status": "active", "reason": "forged", "confirm": "yes"}):
        status, body = post(tenant_path + "/status", urllib.parse.urlencode(form), cookie, "application/x-www-form-urlencoded")
        check(status == 403 and "CSRF" in body, f"a form without the session's CSRF token is refused ({status})")
    driver.get(base + tenant_path)
    check(status_shown(driver) == "suspended", "the forged forms changed nothing")

    # The tenant page prints as a record, without its forms.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    check(not driver.find_element(By.ID, "lifecycle").is_displayed(), "the lifecycle form is not printed")
    check(not driver.find_element(By.TAG_NAME, "header").is_displayed(), "the navigation is not printed")
    check(driver.find_element(By.ID, "usage").is_displayed(), "the usage is printed")
    shot(driver, "08-tenant-print")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    # The platform audit log shows the journey.
    driver.get(base + "/console/audit")
    check(heading(driver) == "Platform audit log", "the audit page")
    operations = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "tbody th")]
    for operation in ("createPlatformTenant", "invitePlatformTenantOwner", "markPlatformTenantOnboardingStep",
                      "changePlatformTenantStatus"):
        check(operation in operations, f"{operation} is on the platform audit log")
    shot(driver, "09-audit-log")

    # Signing out ends the session: its cookie no longer opens a page.
    press(driver, "Sign out")
    check(heading(driver) == "Sign in", "signing out shows the sign-in page")
    request = urllib.request.Request(base + "/console/tenants", headers={"Cookie": cookie})
    opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                              {"redirect_request": lambda *args: None}))
    try:
        opener.open(request)
        check(False, "a signed-out session still opens pages")
    except urllib.error.HTTPError as error:
        check(error.code == 303 and error.headers["Location"] == "/console/sign-in", "a signed-out session is sent to sign in")

    # Another account manager never sees this tenant: not listed, and its page is not found.
    driver.delete_all_cookies()
    sign_in(driver, admin_key)
    check("Every tenant of the platform." in driver.page_source and slug in driver.page_source,
          "a platform admin sees every tenant")
    press(driver, "Sign out")
finally:
    driver.quit()

other = current = browser()
try:
    sign_in(other, other_manager_key)
    check(heading(other) == "Tenants", "the second account manager signs in")
    check(slug not in other.page_source, "an account manager does not see a tenant they do not look after")
    other.get(base + "/console/tenants/" + tenant_id)
    check(heading(other) == "Not found", f"another account manager's tenant page is not found: {heading(other)}")
    check("Browser Contact Centre" not in other.page_source, "nothing of it is shown")
    shot(other, "10-unassigned-not-found")
finally:
    other.quit()

print(f"console-tests: {checks} checks passed, screenshots in {shots}")
