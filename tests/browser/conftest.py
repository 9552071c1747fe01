"""Browser tests: Playwright drives Debian's Chromium (``/usr/bin/chromium``, installed by
``make browser``; never a downloaded browser) headless against a live server of the app.

Each journey saves a screenshot of its last page in ``test-artifacts/``."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

# Playwright's synchronous API runs its own event loop in the test's thread; the test's own
# database calls (building data, checking results) are still plain synchronous Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian's chromium package).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live_settings(settings):
    """The live server speaks plain HTTP, so cookies must not be marked Secure; and it serves
    static files from the apps' folders (Django's test static handler), so their names must
    not carry the manifest's hashes."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def open_page(browser, live_server, live_settings, request):
    """``open_page(width=1280)``: a fresh browser context (Chinese, Beijing time) and its page;
    the last page of the test is saved as a screenshot named after the test."""
    contexts = []

    def new_page(width: int = 1280, height: int = 900):
        context = browser.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": width, "height": height},
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.base = live_server.url
        return page

    yield new_page
    ARTIFACTS.mkdir(exist_ok=True)
    for index, context in enumerate(contexts):
        for page in context.pages:
            suffix = f"-{index}" if len(contexts) > 1 else ""
            page.screenshot(path=ARTIFACTS / f"{request.node.name}{suffix}.png", full_page=True)
        context.close()


def log_in(page, username: str) -> None:
    page.goto(f"{page.base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
